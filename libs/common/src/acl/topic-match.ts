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

/** levelsMatch against a topic that is not split: walks the name's levels in place, making no array and no substring
 * (a session catching up from the log tests every message against its filters: issue 16). */
export function filterMatches(filter: readonly string[], topic: string): boolean {
  const first = filter[0];
  if ((first === '+' || first === '#') && topic.charCodeAt(0) === 0x24 /* $ */) return false;
  // `at`: where the topic's next level starts; past the end once every level is taken
  let at = 0;
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i]!;
    if (level === '#') return true;
    if (at > topic.length) return false;
    let end = topic.indexOf('/', at);
    if (end < 0) end = topic.length;
    if (level !== '+' && (end - at !== level.length || !topic.startsWith(level, at))) return false;
    at = end + 1;
  }
  return at === topic.length + 1;
}

export function topicMatches(filter: string, topic: string): boolean {
  return filter === topic || levelsMatch(filter.split('/'), topic.split('/'));
}
