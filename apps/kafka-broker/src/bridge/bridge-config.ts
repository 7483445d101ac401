// One MQTT ↔ Kafka bridge as configured (`[[kafka.bridges]]`, docs/configuration.md): which MQTT topics, which Kafka
// topic, which way. Validated once at start-up so a bad bridge is a start-up error naming the key, not a silent gap.
import { isValidTopicFilter, isValidTopicName } from '@robustmq/mqtt-broker';

export type BridgeDirection = 'mqtt-to-kafka' | 'kafka-to-mqtt' | 'both';

export interface BridgeConfig {
  /** names the bridge's positions (group `kafka-bridge/<name>`) and its owner; letters, digits, '.', '_', '-'. */
  name: string;
  /** MQTT messages on topics matching this filter go to Kafka; Kafka records keyed by a matching topic go there. */
  mqttFilter: string;
  kafkaTopic: string;
  direction: BridgeDirection;
  /** Kafka → MQTT: the topic of a record whose key is not an MQTT topic matching mqttFilter. */
  mqttTopic: string;
  /** Kafka → MQTT: the QoS the copies are published with (0 or 1 or 2). */
  qos: 0 | 1 | 2;
  /** partitions of the Kafka topic when the bridge creates it. */
  partitions: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const KAFKA_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** Problems with one bridge, each naming its key; [] when it is valid. */
export function bridgeProblems(b: BridgeConfig): string[] {
  const out: string[] = [];
  if (!NAME.test(b.name)) out.push(`name ${JSON.stringify(b.name)}: 1-128 letters, digits, '.', '_' or '-'`);
  if (!isValidTopicFilter(b.mqttFilter))
    out.push(`mqtt_filter ${JSON.stringify(b.mqttFilter)} is not a valid MQTT topic filter`);
  if (!KAFKA_TOPIC.test(b.kafkaTopic) || b.kafkaTopic === '.' || b.kafkaTopic === '..')
    out.push(`kafka_topic ${JSON.stringify(b.kafkaTopic)} is not a valid Kafka topic name`);
  if (b.direction !== 'mqtt-to-kafka' && !isValidTopicName(b.mqttTopic))
    out.push(`mqtt_topic ${JSON.stringify(b.mqttTopic)} is not a valid MQTT topic name`);
  if (![0, 1, 2].includes(b.qos)) out.push(`qos ${String(b.qos)} must be 0, 1 or 2`);
  if (!Number.isInteger(b.partitions) || b.partitions < 1 || b.partitions > 10_000)
    out.push(`partitions ${b.partitions} must be 1-10000`);
  return out;
}

/** the consumer group under which a bridge commits its positions (on the MQTT shard, and on each Kafka partition). */
export function bridgeGroup(name: string): string {
  return `kafka-bridge/${name}`;
}

/** the MQTT publisher id of messages copied from Kafka (so the MQTT → Kafka direction skips them). */
export function bridgePublisher(name: string): string {
  return `$kafka-bridge/${name}`;
}

export const BRIDGE_PUBLISHER_PREFIX = '$kafka-bridge/';
