// MQTT topic-filter matching for one name/filter pair. It lives here, not in the MQTT broker, because the ACL rules
// (acl-rules.ts) are written as MQTT topic filters and both the MQTT and the Kafka broker evaluate them.

/** MQTT topic matching on pre-split levels: '+' one level, '#' the rest (including the parent level); a topic
 * starting with '$' is not matched by a wildcard in the first level (MQTT-4.7.2-1). Both must be valid. */
export function levelsMatch(filter: readonly string[], topic: readonly string[]): boolean {
  const first = filter[0];
  if ((first === '+' || first === '#') && topic[0]!.charCodeAt(0) === 0x24 /* $ */) return false;
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i];
    if (level === '#') return true;
    if (i >= topic.length) return false;
    if (level !== '+' && level !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

export function topicMatches(filter: string, topic: string): boolean {
  return filter === topic || levelsMatch(filter.split('/'), topic.split('/'));
}
