// Whether one topic name matches one topic filter, for the places that test a single pair instead of walking the
// subscription trie: a session reading the message log against its own subscriptions, and retained-message lookup.
// The matcher lives in @robustmq/common because the ACL rules (MQTT topic filters) are evaluated by the Kafka broker too.
export { filterMatches, levelsMatch, topicMatches } from '@robustmq/common';
