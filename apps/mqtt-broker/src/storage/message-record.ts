// A published message as one record of the message log, and back. Everything but the payload travels in record
// headers (short names, no JSON), so writing a message costs one small array and reading it back no parsing beyond
// the record codec. MQTT 5 user properties become one `u:<name>` header per value, which keeps repeats and order.
import type { AppendRecord, RecordHeader, StoredRecord } from '@robustmq/storage-adapter';
import type { QoS } from '@robustmq/protocol';
import { OutgoingPublish, type ForwardedProperties } from '../outgoing-publish.js';

const TOPIC = 't';
/** QoS digit, then '1' if published with RETAIN */
const FLAGS = 'f';
const PUBLISHER = 'c';
const FORMAT = 'pf';
const EXPIRY = 'me';
const CONTENT_TYPE = 'ct';
const RESPONSE_TOPIC = 'rt';
const CORRELATION = 'cd';
const USER = 'u:';

const FLAG_STRINGS = ['00', '01', '10', '11', '20', '21'];

export function messageToRecord(message: OutgoingPublish): AppendRecord {
  const headers: RecordHeader[] = [
    { name: TOPIC, value: message.topic },
    { name: FLAGS, value: FLAG_STRINGS[message.qos * 2 + (message.retain ? 1 : 0)]! },
  ];
  if (message.publisher !== undefined) headers.push({ name: PUBLISHER, value: message.publisher });
  const p = message.properties;
  if (p) {
    // `!= null`: mqtt-packet can hand back null for properties of a mangled packet; such a value must not reach
    // storage, where one rejected record would stop the whole log
    if (p.payloadFormatIndicator != null) headers.push({ name: FORMAT, value: p.payloadFormatIndicator ? '1' : '0' });
    if (p.messageExpiryInterval != null) headers.push({ name: EXPIRY, value: String(p.messageExpiryInterval) });
    if (typeof p.contentType === 'string') headers.push({ name: CONTENT_TYPE, value: p.contentType });
    if (typeof p.responseTopic === 'string') headers.push({ name: RESPONSE_TOPIC, value: p.responseTopic });
    if (Buffer.isBuffer(p.correlationData)) headers.push({ name: CORRELATION, value: p.correlationData.toString('base64') });
    if (p.userProperties && typeof p.userProperties === 'object') {
      for (const [name, value] of Object.entries(p.userProperties)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (typeof v === 'string') headers.push({ name: USER + name, value: v });
        }
      }
    }
  }
  return { timestamp: message.timestamp, headers, payload: message.payload };
}

/** The message a record holds; undefined for a record this broker did not write (no topic header). */
export function recordToMessage(record: StoredRecord): OutgoingPublish | undefined {
  let topic: string | undefined;
  let qos: QoS = 0;
  let retain = false;
  let publisher: string | undefined;
  let properties: ForwardedProperties | undefined;
  for (const { name, value } of record.headers) {
    switch (name) {
      case TOPIC:
        topic = value;
        break;
      case FLAGS:
        qos = Math.min(2, Number(value[0])) as QoS;
        retain = value[1] === '1';
        break;
      case PUBLISHER:
        publisher = value;
        break;
      case FORMAT:
        (properties ??= {}).payloadFormatIndicator = value === '1';
        break;
      case EXPIRY:
        (properties ??= {}).messageExpiryInterval = Number(value);
        break;
      case CONTENT_TYPE:
        (properties ??= {}).contentType = value;
        break;
      case RESPONSE_TOPIC:
        (properties ??= {}).responseTopic = value;
        break;
      case CORRELATION:
        (properties ??= {}).correlationData = Buffer.from(value, 'base64');
        break;
      default:
        if (name.startsWith(USER)) addUserProperty(((properties ??= {}).userProperties ??= {}), name.slice(USER.length), value);
    }
  }
  if (topic === undefined) return undefined;
  const message = new OutgoingPublish(topic, record.payload, qos, retain, properties, publisher, record.timestamp);
  message.offset = record.offset;
  return message;
}

function addUserProperty(target: Record<string, string | string[]>, name: string, value: string): void {
  const existing = target[name];
  if (existing === undefined) target[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[name] = [existing, value];
}
