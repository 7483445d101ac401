// Topic name and topic filter rules of MQTT (3.1.1 §4.7, 5.0 §4.7): what a PUBLISH may name and what a SUBSCRIBE
// may ask for. Kept apart from the trie so handlers can reject bad input before touching shared state.

/** A topic name a client may publish to: non-empty, no wildcards, no NUL. */
export function isValidTopicName(topic: string): boolean {
  if (topic.length === 0) return false;
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    // '#' 0x23, '+' 0x2b, NUL 0x00
    if (c === 0x23 || c === 0x2b || c === 0) return false;
  }
  return true;
}

/** A topic filter: non-empty; '+' only as a whole level; '#' only as the whole last level; no NUL. */
export function isValidTopicFilter(filter: string): boolean {
  const length = filter.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = filter.charCodeAt(i);
    if (c === 0) return false;
    if (c === 0x2b /* + */ || c === 0x23 /* # */) {
      const startsLevel = i === 0 || filter.charCodeAt(i - 1) === 0x2f; /* / */
      const endsLevel = i === length - 1 || filter.charCodeAt(i + 1) === 0x2f;
      if (!startsLevel || !endsLevel) return false;
      if (c === 0x23 && i !== length - 1) return false;
    }
  }
  return true;
}

/** Whether a topic name or filter exceeds the configured limits (mqtt.max_topic_levels, mqtt.max_topic_length);
 * the problem in words, or undefined. Length is in UTF-8 bytes; counted only when characters alone could exceed it. */
export function topicLimitProblem(topic: string, maxLevels: number, maxLength: number): string | undefined {
  if (topic.length > maxLength || (topic.length * 3 > maxLength && Buffer.byteLength(topic) > maxLength)) {
    return `topic longer than ${maxLength} bytes`;
  }
  if (topic.length >= maxLevels) {
    let levels = 1;
    for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 0x2f) levels++;
    if (levels > maxLevels) return `topic has ${levels} levels, more than ${maxLevels}`;
  }
  return undefined;
}
