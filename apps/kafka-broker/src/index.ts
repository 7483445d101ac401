// @robustmq/kafka-broker: the Kafka broker as a library — start it from a config, get a handle to close it.
export { startKafkaBroker, type KafkaBrokerHandle, type StartKafkaBrokerOptions } from './broker.js';
export { loadKafkaBrokerConfig, kafkaBrokerConfigSchema, type KafkaBrokerConfig } from './config.js';
export type { ApiHandler, BrokerContext, ConnectionState } from './handlers/context.js';
export {
  TopicCatalog,
  TopicError,
  partitionShard,
  checkTopicName,
  type TopicMeta,
} from './topics/topic-catalog.js';
export { PartitionStore, PartitionError, kafkaCodeOf, type ReadResult } from './topics/partition-store.js';
export { BrokerDirectory, type KafkaNode } from './cluster/broker-directory.js';
export { kafkaBrokerService } from './service.js';
