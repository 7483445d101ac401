// An MQTT message as a Kafka record and back, for the bridge. MQTT → Kafka: key = the MQTT topic, value = the payload,
// timestamp = the publish time, headers = the MQTT 5 properties (user properties under their own names, the others as
// `mqtt.*`) plus the QoS and retain flag, and a `robustmq.bridge` header marking the record as a copy. Kafka → MQTT:
// the reverse, with the topic from the key when it is an MQTT topic the bridge's filter matches.
import {
  OutgoingPublish,
  isValidTopicName,
  topicMatches,
  type ForwardedProperties,
} from '@robustmq/mqtt-broker';
import { bridgePublisher, type BridgeConfig } from './bridge-config.js';
import type { BridgeRecord, BridgeRecordHeader, StoredBridgeRecord } from './kafka-access.js';

export const BRIDGE_HEADER = 'robustmq.bridge';
const CONTENT_TYPE = 'mqtt.content_type';
const RESPONSE_TOPIC = 'mqtt.response_topic';
const CORRELATION = 'mqtt.correlation_data';
const FORMAT = 'mqtt.payload_format';
const EXPIRY = 'mqtt.message_expiry';
const QOS = 'mqtt.qos';
const RETAIN = 'mqtt.retain';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

export function mqttToKafkaRecord(message: OutgoingPublish, bridgeName: string): BridgeRecord {
  const headers: BridgeRecordHeader[] = [
    { key: BRIDGE_HEADER, value: utf8(bridgeName) },
    { key: QOS, value: utf8(String(message.qos)) },
  ];
  if (message.retain) headers.push({ key: RETAIN, value: utf8('1') });
  const p = message.properties;
  if (p) {
    if (p.payloadFormatIndicator != null)
      headers.push({ key: FORMAT, value: utf8(p.payloadFormatIndicator ? '1' : '0') });
    if (p.messageExpiryInterval != null)
      headers.push({ key: EXPIRY, value: utf8(String(p.messageExpiryInterval)) });
    if (typeof p.contentType === 'string') headers.push({ key: CONTENT_TYPE, value: utf8(p.contentType) });
    if (typeof p.responseTopic === 'string')
      headers.push({ key: RESPONSE_TOPIC, value: utf8(p.responseTopic) });
    if (Buffer.isBuffer(p.correlationData)) headers.push({ key: CORRELATION, value: p.correlationData });
    for (const [name, value] of Object.entries(p.userProperties ?? {})) {
      for (const v of Array.isArray(value) ? value : [value])
        headers.push({ key: name, value: utf8(String(v)) });
    }
  }
  return { key: utf8(message.topic), value: message.payload, timestamp: message.timestamp, headers };
}

/** whether a Kafka record is itself a copy of an MQTT message (the Kafka → MQTT direction skips those). */
export function isBridgeCopy(record: BridgeRecord): boolean {
  return record.headers.some((h) => h.key === BRIDGE_HEADER);
}

export function kafkaRecordToMqtt(record: StoredBridgeRecord, bridge: BridgeConfig): OutgoingPublish {
  const keyTopic = record.key?.toString('utf8');
  const topic =
    keyTopic !== undefined && isValidTopicName(keyTopic) && topicMatches(bridge.mqttFilter, keyTopic)
      ? keyTopic
      : bridge.mqttTopic;
  let properties: ForwardedProperties | undefined;
  for (const { key, value } of record.headers) {
    const text = value?.toString('utf8') ?? '';
    switch (key) {
      case QOS:
      case RETAIN:
      case BRIDGE_HEADER:
        break;
      case FORMAT:
        (properties ??= {}).payloadFormatIndicator = text === '1';
        break;
      case EXPIRY: {
        const seconds = Number(text);
        if (Number.isInteger(seconds) && seconds >= 0 && seconds <= 0xffffffff)
          (properties ??= {}).messageExpiryInterval = seconds;
        break;
      }
      case CONTENT_TYPE:
        (properties ??= {}).contentType = text;
        break;
      case RESPONSE_TOPIC:
        if (isValidTopicName(text)) (properties ??= {}).responseTopic = text;
        break;
      case CORRELATION:
        (properties ??= {}).correlationData = value ?? Buffer.alloc(0);
        break;
      default: {
        const users = ((properties ??= {}).userProperties ??= {});
        const existing = users[key];
        if (existing === undefined) users[key] = text;
        else if (Array.isArray(existing)) existing.push(text);
        else users[key] = [existing, text];
      }
    }
  }
  // published now: an MQTT message expiry interval counts from when it enters MQTT, not from the Kafka record's time
  return new OutgoingPublish(
    topic,
    record.value ?? Buffer.alloc(0),
    bridge.qos,
    false,
    properties,
    bridgePublisher(bridge.name),
    Date.now(),
  );
}
