// Packets small and fixed enough to write by hand: acknowledgements and PINGRESP are sent once per message or ping,
// so they skip the generic encoder. Their layout is the same in MQTT 3.1, 3.1.1 and 5.0 (MQTT 5 lets a success
// acknowledgement omit its reason code).

export const PINGRESP = Buffer.from([0xd0, 0x00]);

export const PUBACK = 0x40;
export const PUBREC = 0x50;
export const PUBCOMP = 0x70;
/** PUBREL's fixed header has flags 0010 (MQTT-3.6.1-1). */
export const PUBREL = 0x62;

/** PUBACK/PUBREC/PUBCOMP for `packetId`; a reason code is written only when it is not success (MQTT 5 only). */
export function ackPacket(type: number, packetId: number, reasonCode = 0): Buffer {
  if (reasonCode === 0) return Buffer.from([type, 0x02, packetId >> 8, packetId & 0xff]);
  return Buffer.from([type, 0x03, packetId >> 8, packetId & 0xff, reasonCode]);
}

/** MQTT 3.1.1 CONNACK "unacceptable protocol version": the answer to a CONNECT whose version we cannot parse, so
 * it is written in the oldest layout every client version understands. */
export const CONNACK_UNACCEPTABLE_PROTOCOL_VERSION = Buffer.from([0x20, 0x02, 0x00, 0x01]);
