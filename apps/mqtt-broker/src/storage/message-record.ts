// A published message as one record of the message log, and back. The hot fields travel in front of the payload in
// one pre-sized buffer — a magic byte, flags (QoS, retain, has publisher, has tag), the topic and the publisher client
// id, each u16-length-prefixed, and for a QoS 2 message of a persistent session the 8-byte tag of its exchange
// (session/incoming-qos2.ts) — so writing a message costs one allocation and two string writes, and the record carries no
// headers the storage codec would have to validate and encode one by one. MQTT 5 properties (rare) stay record
// headers (short names, no JSON); user properties become one `u:<name>` header per value, which keeps repeats and
// order. Records written before this layout (topic, flags and publisher as headers `t`, `f`, `c`) are still read.
import type { AppendRecord, RecordHeader, StoredRecord } from '@robustmq/storage-adapter';
import type { QoS } from '@robustmq/protocol';
import { OutgoingPublish, type ForwardedProperties } from '../packets/outgoing-publish.js';

/** the layout before the framed payload: topic, flags (QoS digit, then '1' if RETAIN) and publisher as headers */
const TOPIC = 't';
const FLAGS = 'f';
const PUBLISHER = 'c';
const FORMAT = 'pf';
const EXPIRY = 'me';
const CONTENT_TYPE = 'ct';
const RESPONSE_TOPIC = 'rt';
const CORRELATION = 'cd';
const USER = 'u:';

/** first byte of a record payload in the framed layout. */
const FRAMED = 0xb2;
const HAS_PUBLISHER = 0x08;
const RETAIN = 0x04;
/** followed (after the publisher) by the 8-byte tag of a publisher's QoS 2 exchange (session/incoming-qos2.ts) */
const HAS_TAG = 0x10;
export const INCOMING_TAG_BYTES = 8;
const NO_HEADERS: RecordHeader[] = [];

/** Strings up to this length are measured and written a character at a time when they are ASCII (topics and client
 * ids nearly always are): Buffer.byteLength and buf.write cost more per call than such a loop for short strings. */
const SHORT_STRING = 64;

/** Bytes of `s` in UTF-8. */
function utf8Length(s: string): number {
  if (s.length <= SHORT_STRING) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) < 0x80) i++;
    if (i === s.length) return i;
  }
  return Buffer.byteLength(s, 'utf8');
}

/** Writes `s` (of `length` UTF-8 bytes, from utf8Length) at `at`; returns the position after it. */
function writeUtf8(bytes: Buffer, s: string, at: number, length: number): number {
  if (length === s.length && length <= SHORT_STRING) {
    for (let i = 0; i < length; i++) bytes[at + i] = s.charCodeAt(i);
    return at + length;
  }
  return at + bytes.write(s, at, 'utf8');
}

function framedPayload(message: OutgoingPublish): Buffer {
  const topicBytes = utf8Length(message.topic);
  const publisher = message.publisher;
  const publisherBytes = publisher === undefined ? 0 : utf8Length(publisher);
  const payload = message.payload;
  const tag = publisher === undefined ? undefined : message.incomingTag;
  const head =
    4 + topicBytes + (publisher === undefined ? 0 : 2 + publisherBytes) + (tag ? INCOMING_TAG_BYTES : 0);
  const bytes = Buffer.allocUnsafe(head + payload.length);
  bytes[0] = FRAMED;
  bytes[1] =
    message.qos |
    (message.retain ? RETAIN : 0) |
    (publisher === undefined ? 0 : HAS_PUBLISHER) |
    (tag ? HAS_TAG : 0);
  bytes[2] = topicBytes >>> 8;
  bytes[3] = topicBytes & 0xff;
  let pos = writeUtf8(bytes, message.topic, 4, topicBytes);
  if (publisher !== undefined) {
    bytes[pos] = publisherBytes >>> 8;
    bytes[pos + 1] = publisherBytes & 0xff;
    pos = writeUtf8(bytes, publisher, pos + 2, publisherBytes);
    if (tag) pos += tag.copy(bytes, pos, 0, INCOMING_TAG_BYTES);
  }
  payload.copy(bytes, pos);
  return bytes;
}

export function messageToRecord(message: OutgoingPublish): AppendRecord {
  const payload = framedPayload(message);
  const p = message.properties;
  if (!p) return { timestamp: message.timestamp, headers: NO_HEADERS, payload };
  const headers: RecordHeader[] = [];
  // `!= null`: mqtt-packet can hand back null for properties of a mangled packet; such a value must not reach
  // storage, where one rejected record would fail its whole batch
  if (p.payloadFormatIndicator != null)
    headers.push({ name: FORMAT, value: p.payloadFormatIndicator ? '1' : '0' });
  if (p.messageExpiryInterval != null) headers.push({ name: EXPIRY, value: String(p.messageExpiryInterval) });
  if (typeof p.contentType === 'string') headers.push({ name: CONTENT_TYPE, value: p.contentType });
  if (typeof p.responseTopic === 'string') headers.push({ name: RESPONSE_TOPIC, value: p.responseTopic });
  if (Buffer.isBuffer(p.correlationData))
    headers.push({ name: CORRELATION, value: p.correlationData.toString('base64') });
  if (p.userProperties && typeof p.userProperties === 'object') {
    for (const [name, value] of Object.entries(p.userProperties)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string') headers.push({ name: USER + name, value: v });
      }
    }
  }
  return { timestamp: message.timestamp, headers, payload };
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
        if (name.startsWith(USER))
          addUserProperty(((properties ??= {}).userProperties ??= {}), name.slice(USER.length), value);
    }
  }
  let payload = record.payload;
  if (topic === undefined) {
    // the framed layout; anything else (a placeholder for a failed append, a record not written by a broker) is
    // not a message. Every length is checked: the bytes come from storage.
    const framed = record.payload;
    if (framed.length < 4 || framed[0] !== FRAMED) return undefined;
    const flags = framed[1]!;
    let pos = 4 + framed.readUInt16BE(2);
    if (pos > framed.length) return undefined;
    topic = framed.toString('utf8', 4, pos);
    qos = Math.min(2, flags & 0x03) as QoS;
    retain = (flags & RETAIN) !== 0;
    if (flags & HAS_PUBLISHER) {
      if (pos + 2 > framed.length) return undefined;
      const end = pos + 2 + framed.readUInt16BE(pos);
      if (end > framed.length) return undefined;
      publisher = framed.toString('utf8', pos + 2, end);
      pos = end;
      if (flags & HAS_TAG) {
        if (pos + INCOMING_TAG_BYTES > framed.length) return undefined;
        pos += INCOMING_TAG_BYTES;
      }
    }
    payload = framed.subarray(pos);
  }
  const message = new OutgoingPublish(topic, payload, qos, retain, properties, publisher, record.timestamp);
  message.offset = record.offset;
  return message;
}

/** The tag of a publisher's QoS 2 exchange a record carries (hex), if it is one of `publisher`'s; read without
 * decoding the message. */
export function recordIncomingTag(record: StoredRecord, publisher: string): string | undefined {
  const framed = record.payload;
  if (framed.length < 4 || framed[0] !== FRAMED) return undefined;
  const flags = framed[1]!;
  if ((flags & HAS_PUBLISHER) === 0 || (flags & HAS_TAG) === 0) return undefined;
  const pos = 4 + framed.readUInt16BE(2);
  if (pos + 2 > framed.length) return undefined;
  const end = pos + 2 + framed.readUInt16BE(pos);
  if (end + INCOMING_TAG_BYTES > framed.length || framed.toString('utf8', pos + 2, end) !== publisher)
    return undefined;
  return framed.toString('hex', end, end + INCOMING_TAG_BYTES);
}

function addUserProperty(target: Record<string, string | string[]>, name: string, value: string): void {
  const existing = target[name];
  if (existing === undefined) target[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[name] = [existing, value];
}
