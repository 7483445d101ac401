// MQTT topic name and topic filter checks (MQTT 5.0 §4.7): non-empty, at most 65535 bytes of UTF-8, no NUL,
// '#' only as the whole last level, '+' only as a whole level. "%u" / "%c" placeholders (username / client id)
// are plain text to these rules, which is what ACL filters need.
import { invalid } from '../metadata/metadata-error.js';

const MAX_TOPIC_BYTES = 65_535;

function checkCommon(field: string, value: string): void {
  if (!value) throw invalid(`${field} must not be empty`);
  if (Buffer.byteLength(value) > MAX_TOPIC_BYTES)
    throw invalid(`${field} is longer than ${MAX_TOPIC_BYTES} bytes`);
  if (value.includes('\u0000')) throw invalid(`${field} must not contain NUL`);
}

export function checkTopicFilter(field: string, filter: string): string {
  checkCommon(field, filter);
  const levels = filter.split('/');
  levels.forEach((level, i) => {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      throw invalid(`${field} "${filter}" is not a valid topic filter: '#' must be the whole last level`);
    }
    if (level.includes('+') && level !== '+') {
      throw invalid(`${field} "${filter}" is not a valid topic filter: '+' must be a whole level`);
    }
  });
  return filter;
}

export function checkTopicName(field: string, topic: string): string {
  checkCommon(field, topic);
  if (/[#+]/.test(topic))
    throw invalid(`${field} "${topic}" is not a valid topic name: no '+' or '#' in a topic name`);
  return topic;
}
