// @robustmq/mqtt-broker: the MQTT broker as a library — start it from a config, get a handle to close it.
export {
  startMqttBroker,
  brokerSettings,
  type MqttBrokerHandle,
  type StartMqttBrokerOptions,
} from './broker.js';
export { loadMqttBrokerConfig, mqttBrokerConfigSchema, type MqttBrokerConfig } from './config.js';
export { Broker, type BrokerSettings, type BrokerStats, type ClientInfo } from './core/broker-core.js';
export { TopicTrie } from './routing/topic-trie.js';
export { isValidTopicFilter, isValidTopicName } from './routing/topic-validation.js';
export {
  SessionPersistence,
  type SessionRecord,
  type StoredSubscription,
} from './storage/session-persistence.js';
export { MessageLog, MESSAGE_SHARD } from './storage/message-log.js';
export { mqttBrokerService } from './service.js';
// the message log's record format and topic matching, for the Kafka broker's MQTT ↔ Kafka bridge, which reads and
// writes the cluster's message shard (cluster/shared-log.ts) as one more broker would
export { OutgoingPublish, type ForwardedProperties } from './packets/outgoing-publish.js';
export { messageToRecord, recordToMessage } from './storage/message-record.js';
export { openMessageShard } from './storage/message-shard.js';
export { CLUSTER_NAMESPACE } from './cluster/shared-log.js';
export { topicMatches } from './routing/topic-match.js';
