// One message on its way to subscribers. Its PUBLISH bytes are encoded at most once per wire variant (MQTT 5 or
// 3.x, QoS, retain flag) and shared by every subscriber of that variant; QoS 1 copies differ only in the two-byte
// packet id, which is patched into a copy instead of encoding again.
import { encodePacket, type IPublishPacket, type QoS } from '@robustmq/protocol';

/** The MQTT 5 properties that travel with a message to its subscribers (never topic alias or subscription ids,
 * which belong to one connection). */
export type ForwardedProperties = Pick<
  NonNullable<IPublishPacket['properties']>,
  'payloadFormatIndicator' | 'messageExpiryInterval' | 'contentType' | 'responseTopic' | 'correlationData' | 'userProperties'
>;

export class OutgoingPublish {
  /** index: (v5 ? 4 : 0) + qos * 2 + (retain ? 1 : 0) */
  private readonly encoded: (Buffer | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];

  constructor(
    readonly topic: string,
    readonly payload: Buffer,
    /** the QoS it was published with; each subscriber gets min(this, its subscription's QoS). */
    readonly qos: QoS,
    /** the RETAIN flag it was published with (kept only for retain-as-published subscriptions). */
    readonly retain: boolean,
    readonly properties: ForwardedProperties | undefined,
  ) {}

  /** The PUBLISH bytes for one wire variant. For QoS > 0 they carry a placeholder packet id;
   * send `withPacketId(bytes, id)` instead. */
  bytes(v5: boolean, qos: 0 | 1, retain: boolean): Buffer {
    const index = (v5 ? 4 : 0) + qos * 2 + (retain ? 1 : 0);
    let bytes = this.encoded[index];
    if (!bytes) {
      const packet: IPublishPacket = {
        cmd: 'publish',
        topic: this.topic,
        payload: this.payload,
        qos,
        retain,
        dup: false,
        // mqtt-packet refuses QoS > 0 without an id; 1 is overwritten per subscriber
        ...(qos > 0 ? { messageId: 1 } : {}),
        ...(v5 && this.properties ? { properties: this.properties } : {}),
      };
      bytes = encodePacket(packet, v5 ? 5 : 4);
      this.encoded[index] = bytes;
    }
    return bytes;
  }
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
