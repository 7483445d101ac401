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

/** `$share/{group}/{filter}` — MQTT 5 shared subscriptions (not supported yet; refused with a clear reason code). */
export function isSharedSubscription(filter: string): boolean {
  return filter.startsWith('$share/');
}
