// One message on its way to subscribers. Its PUBLISH bytes are encoded at most once per wire variant (MQTT 5 or
// 3.x, QoS, retain flag) and shared by every subscriber of that variant; QoS 1/2 copies differ only in the two-byte
// packet id, which is patched into a copy instead of encoding again. MQTT 5 subscribers with topic aliases or
// subscription identifiers need their own properties: those variants are cached apart, keyed by what they carry,
// so a connection-specific alias never leaks into the bytes another subscriber gets.
import { encodePacket, type IPublishPacket, type QoS } from '@robustmq/protocol';

/** The MQTT 5 properties that travel with a message to its subscribers (never topic alias or subscription ids,
 * which belong to one connection). */
export type ForwardedProperties = Pick<
  NonNullable<IPublishPacket['properties']>,
  | 'payloadFormatIndicator'
  | 'messageExpiryInterval'
  | 'contentType'
  | 'responseTopic'
  | 'correlationData'
  | 'userProperties'
>;

export class OutgoingPublish {
  /** index: (v5 ? 6 : 0) + qos * 2 + (retain ? 1 : 0); most messages go out in one variant, so the first one is a
   * field and the array exists only once a second variant is asked for. */
  private encodedIndex = -1;
  private encodedFirst: Buffer | undefined;
  private encoded: (Buffer | undefined)[] | undefined;
  /** the message's offset in the message log; -1 when it has none (the log is failing, or a lone broker kept a QoS 0
   * message out of it), -2 while its append to the cluster's shared log is in flight. Set by the log's append. */
  offset = -1;
  /** MQTT 5 encodings carrying a topic alias and/or subscription identifiers, by variantKey(). */
  private variants: Map<string, Buffer> | undefined;
  /** QoS 2 from a persistent session: 8 bytes unique to this exchange, stored with the publisher's packet id before
   * the append and carried in the record, so a broker resuming the session can tell whether the message reached the
   * log (session/incoming-qos2.ts). */
  incomingTag: Buffer | undefined = undefined;
  /** a write that must be durable before the log appends this message (the tag's marker); a failed one fails it. */
  appendAfter: Promise<unknown> | undefined = undefined;

  constructor(
    readonly topic: string,
    readonly payload: Buffer,
    /** the QoS it was published with; each subscriber gets min(this, its subscription's QoS). */
    readonly qos: QoS,
    /** the RETAIN flag it was published with (kept only for retain-as-published subscriptions). */
    readonly retain: boolean,
    readonly properties: ForwardedProperties | undefined,
    /** client id of the publisher, for No Local when the message is read back from the log. */
    readonly publisher: string | undefined = undefined,
    /** when it was published (ms); the message expiry interval counts from here. */
    readonly timestamp: number = Date.now(),
  ) {}

  /** Takes the PUBLISH as it was received (`wire`, from the codec's fast path: no properties) as this message's
   * encoding for the publisher's protocol family, when its flags are the ones a subscriber of that variant gets (no
   * DUP): the most common variant then costs no encoding at all. The caller vouches that topic and payload are the
   * message's own (no alias, no rewrite). */
  adoptWire(wire: Buffer, v5: boolean): void {
    if (this.encodedIndex >= 0 || this.properties) return;
    const retain = this.retain;
    if (wire[0] !== (0x30 | (this.qos << 1) | (retain ? 1 : 0))) return;
    this.encodedIndex = (v5 ? 6 : 0) + this.qos * 2 + (retain ? 1 : 0);
    this.encodedFirst = wire;
  }

  /** The PUBLISH bytes for one wire variant. For QoS > 0 they carry a placeholder packet id;
   * send `withPacketId(bytes, id)` instead. */
  bytes(v5: boolean, qos: QoS, retain: boolean): Buffer {
    const index = (v5 ? 6 : 0) + qos * 2 + (retain ? 1 : 0);
    let bytes = index === this.encodedIndex ? this.encodedFirst : this.encoded?.[index];
    if (!bytes) {
      if (v5 && this.properties) {
        const packet: IPublishPacket = {
          cmd: 'publish',
          topic: this.topic,
          payload: this.payload,
          qos,
          retain,
          dup: false,
          // mqtt-packet refuses QoS > 0 without an id; 1 is overwritten per subscriber
          ...(qos > 0 ? { messageId: 1 } : {}),
          properties: this.properties,
        };
        bytes = encodePacket(packet, 5);
      } else {
        bytes = encodePlainPublish(this.topic, this.payload, qos, retain, v5);
      }
      if (this.encodedIndex < 0) {
        this.encodedIndex = index;
        this.encodedFirst = bytes;
      } else {
        (this.encoded ??= new Array<Buffer | undefined>(12))[index] = bytes;
      }
    }
    return bytes;
  }

  /** MQTT 5 PUBLISH bytes with a topic alias (`aliasOnly`: empty topic name, the client knows the alias) and/or
   * subscription identifiers. Like bytes(), QoS > 0 carries a placeholder packet id. */
  variant(
    qos: QoS,
    retain: boolean,
    alias: number,
    aliasOnly: boolean,
    ids: readonly number[] | undefined,
  ): Buffer {
    if (alias === 0 && !ids) return this.bytes(true, qos, retain);
    const key = `${qos}${retain ? 1 : 0}${aliasOnly ? 1 : 0}${alias}:${ids ? ids.join(',') : ''}`;
    const variants = (this.variants ??= new Map());
    let bytes = variants.get(key);
    if (!bytes) {
      const properties: NonNullable<IPublishPacket['properties']> = { ...this.properties };
      if (alias > 0) properties.topicAlias = alias;
      if (ids) properties.subscriptionIdentifier = ids.length === 1 ? ids[0]! : [...ids];
      bytes = encodePacket(
        {
          cmd: 'publish',
          topic: aliasOnly ? '' : this.topic,
          payload: this.payload,
          qos,
          retain,
          dup: false,
          ...(qos > 0 ? { messageId: 1 } : {}),
          properties,
        },
        5,
      );
      variants.set(key, bytes);
    }
    return bytes;
  }

  /** Seconds of message expiry left at `now`: undefined when the message never expires, <= 0 once it has expired
   * (MQTT 5 §3.3.2.3.3: an expired message is not delivered). */
  expiryLeft(now: number): number | undefined {
    const interval = this.properties?.messageExpiryInterval;
    if (interval === undefined) return undefined;
    return interval - Math.floor((now - this.timestamp) / 1000);
  }

  /** The message as it must be forwarded at `now`: itself while no whole second of its expiry interval has passed,
   * else a copy whose Message Expiry Interval is what is left (MQTT-3.3.2-6). Undefined once it has expired. */
  forwardableAt(now: number): OutgoingPublish | undefined {
    const left = this.expiryLeft(now);
    if (left === undefined || left === this.properties!.messageExpiryInterval) return this;
    if (left <= 0) return undefined;
    const copy = new OutgoingPublish(
      this.topic,
      this.payload,
      this.qos,
      this.retain,
      { ...this.properties, messageExpiryInterval: left },
      this.publisher,
      now,
    );
    copy.offset = this.offset;
    return copy;
  }
}

/** PUBLISH without properties — what nearly every message is — in one allocation: fixed header, remaining length,
 * topic, packet id 1 for QoS > 0 (patched per subscriber), for MQTT 5 an empty property list, payload. The general
 * encoder (mqtt-packet) builds several buffers and joins them, which was a visible share of the broker's time. */
function encodePlainPublish(topic: string, payload: Buffer, qos: QoS, retain: boolean, v5: boolean): Buffer {
  const topicBytes = Buffer.byteLength(topic, 'utf8');
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0) + payload.length;
  let lengthBytes = 1;
  while (remaining >= 128 ** lengthBytes) lengthBytes++;
  if (lengthBytes > 4) throw new Error(`PUBLISH of ${remaining} bytes exceeds the MQTT maximum packet size`);
  const bytes = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  bytes[0] = 0x30 | (qos << 1) | (retain ? 1 : 0);
  let pos = 1;
  let left = remaining;
  do {
    const digit = left % 128;
    left = Math.floor(left / 128);
    bytes[pos++] = left > 0 ? digit | 0x80 : digit;
  } while (left > 0);
  bytes.writeUInt16BE(topicBytes, pos);
  pos += 2;
  pos += bytes.write(topic, pos, 'utf8');
  if (qos > 0) {
    bytes.writeUInt16BE(1, pos);
    pos += 2;
  }
  if (v5) bytes[pos++] = 0;
  payload.copy(bytes, pos);
  return bytes;
}

/** A copy of QoS > 0 PUBLISH bytes carrying `packetId`. The id follows the fixed header and the topic. */
export function withPacketId(template: Buffer, packetId: number): Buffer {
  let offset = 1;
  while (template[offset]! & 0x80) offset++; // remaining-length varint
  offset++;
  offset += 2 + template.readUInt16BE(offset);
  const copy = Buffer.allocUnsafe(template.length);
  template.copy(copy);
  copy.writeUInt16BE(packetId, offset);
  return copy;
}

/** A copy of PUBLISH bytes with the DUP flag set, for a resend (MQTT-3.3.1-1). */
export function withDup(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[0] = copy[0]! | 0x08;
  return copy;
}
