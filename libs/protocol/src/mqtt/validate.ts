// Strict validation of one whole MQTT packet, on its raw bytes, before mqtt-packet decodes it. mqtt-packet is a
// lenient parser: it accepts properties a packet type may not carry, keeps the last of duplicated ones, decodes
// ill-formed UTF-8 to U+FFFD, ignores trailing bytes and invents values for fields that are missing (a PUBREC of
// remaining length 0 comes out as packet id 0xFFFF). This walk checks every rule of the spec that makes a packet
// malformed or a protocol error on its own, without session state, and names the clause and the reason code the
// spec gives (MQTT 5: 0x81 Malformed Packet, 0x82 Protocol Error; MQTT 3.1.1 has no codes — the connection closes).
// Rules that need session state (which ack fits an in-flight message, topic aliases) stay with the broker.
import { isUtf8 } from 'node:buffer';
import { MQTT5_PROPERTY_BY_ID, type PropertyContext } from './properties.js';

export type MqttVersion = 3 | 4 | 5;

/** The kinds of violation, one label each for metrics. */
export type MqttViolationKind =
  /** reserved packet type or flags, remaining length encoding, a fixed-size packet of the wrong size */
  | 'fixed_header'
  /** an MQTT 5 property not allowed in the packet, repeated, truncated, of a forbidden value */
  | 'property'
  /** PUBACK / PUBREC / PUBREL / PUBCOMP of the wrong length, packet id 0 or an unknown reason code */
  | 'ack'
  /** SUBSCRIBE / UNSUBSCRIBE without filters, with an empty filter or with bad subscription options */
  | 'topic_filter'
  /** an ill-formed UTF-8 string, U+0000 included */
  | 'utf8'
  /** PUBLISH with QoS 3, DUP on QoS 0, packet id 0 or an empty topic */
  | 'publish_header'
  /** CONNECT flags or trailing bytes */
  | 'connect'
  /** other packets' content: DISCONNECT / AUTH reason codes, trailing bytes */
  | 'packet';

export const MALFORMED_PACKET = 0x81;
export const PROTOCOL_ERROR = 0x82;

export interface MqttViolation {
  kind: MqttViolationKind;
  /** MQTT 5 reason code for the DISCONNECT (or CONNACK): 0x81, 0x82, or a more precise one the spec names. */
  reasonCode: number;
  /** what is wrong, with the spec clause. */
  message: string;
}

/** Thrown inside the walk, caught by validateMqttPacket. */
class Violation extends Error {
  constructor(
    readonly kind: MqttViolationKind,
    readonly reasonCode: number,
    message: string,
  ) {
    super(message);
  }
}

const malformed = (kind: MqttViolationKind, message: string): Violation =>
  new Violation(kind, MALFORMED_PACKET, message);
const protocolError = (kind: MqttViolationKind, message: string): Violation =>
  new Violation(kind, PROTOCOL_ERROR, message);

/** Reason codes a client may put in each packet (MQTT 5 Tables 3-4, 3-5, 3-6, 3-7, 3-10, 3-13). */
const PUBACK_REASONS = new Set([0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]);
const PUBREL_REASONS = new Set([0x00, 0x92]);
const DISCONNECT_REASONS = new Set([
  0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97,
  0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2,
]);
const AUTH_REASONS = new Set([0x00, 0x18, 0x19]);

const ACK_NAMES: Record<number, PropertyContext> = { 4: 'puback', 5: 'pubrec', 6: 'pubrel', 7: 'pubcomp' };

/** A read position in one packet; every read checks the length first and calls a short read malformed. One
 * cursor serves every packet (validation is synchronous): a broker validates each PUBLISH it receives, and an
 * object per packet showed up in its allocation samples. */
class Cursor {
  constructor(
    public bytes: Buffer,
    public pos: number,
    public end: number,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string, kind: MqttViolationKind): void {
    if (this.end - this.pos < n) throw malformed(kind, `${what} runs past the end of the packet`);
  }

  byte(what: string, kind: MqttViolationKind): number {
    this.need(1, what, kind);
    return this.bytes[this.pos++]!;
  }

  u16(what: string, kind: MqttViolationKind): number {
    this.need(2, what, kind);
    const v = this.bytes.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  /** A Variable Byte Integer (§1.5.5): at most 4 bytes, in the fewest bytes (MQTT-1.5.5-1). */
  varint(what: string, kind: MqttViolationKind): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.byte(what, kind);
      value += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) {
        if (i > 0 && b === 0) throw malformed(kind, `${what} is not in its shortest encoding (MQTT-1.5.5-1)`);
        return value;
      }
      multiplier *= 128;
    }
    throw malformed(kind, `${what} is longer than 4 bytes (§1.5.5)`);
  }

  /** Binary Data (§1.5.6): returns [start, end) of the data. */
  binary(what: string, kind: MqttViolationKind): [number, number] {
    const length = this.u16(what, kind);
    this.need(length, what, kind);
    const start = this.pos;
    this.pos += length;
    return [start, this.pos];
  }

  /** A UTF-8 Encoded String (§1.5.4), well-formed and without U+0000; returns [start, end) of its bytes. */
  utf8(what: string, kind: MqttViolationKind, version: MqttVersion): [number, number] {
    const start = this.utf8Start(what, kind, version);
    return [start, this.pos];
  }

  /** utf8() without the pair, for the per-message path: returns where the string starts; it ends at `pos`. */
  utf8Start(what: string, kind: MqttViolationKind, version: MqttVersion): number {
    const length = this.u16(what, kind);
    this.need(length, what, kind);
    const start = this.pos;
    this.pos += length;
    checkUtf8(this.bytes, start, this.pos, what, version);
    return start;
  }
}

/** MQTT-1.5.4-1 / -2 (3.1.1: MQTT-1.5.3-1 / -2): ill-formed UTF-8, surrogates (U+D800..U+DFFF) and U+0000 make the
 * packet malformed. Checked on the bytes, because Node's decoder silently turns bad sequences into U+FFFD. */
function checkUtf8(bytes: Buffer, start: number, end: number, what: string, version: MqttVersion): void {
  // one pass for the common case, plain ASCII (every topic on the hot path): no NUL, nothing at or above 0x80
  let ascii = true;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b === 0)
      throw malformed('utf8', `${what} contains U+0000 (${version === 5 ? 'MQTT-1.5.4-2' : 'MQTT-1.5.3-2'})`);
    if (b >= 0x80) ascii = false;
  }
  // isUtf8 follows the WHATWG/Unicode definition of well-formed: no overlong forms, no surrogates, nothing above
  // U+10FFFF, no truncated sequences
  if (!ascii && !isUtf8(bytes.subarray(start, end))) {
    throw malformed(
      'utf8',
      `${what} is not well-formed UTF-8 (${version === 5 ? 'MQTT-1.5.4-1' : 'MQTT-1.5.3-1'})`,
    );
  }
}

function hasWildcard(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 0x23 || b === 0x2b) return true; // '#', '+'
  }
  return false;
}

interface PropertyWalk {
  /** ids seen, for the duplicate check. */
  seen: number[];
  subscriptionIdentifier: boolean;
  topicAlias: boolean;
}

/** Walks an MQTT 5 property list (§2.2.2) against Table 2-4: each identifier must be allowed in the context (else
 * malformed, §2.2.2.2), appear once unless it may repeat (else protocol error, per property), have a complete value
 * of its type (else malformed) and not a value the spec forbids (protocol error). */
function walkProperties(c: Cursor, context: PropertyContext, version: MqttVersion): PropertyWalk {
  const walk: PropertyWalk = { seen: [], subscriptionIdentifier: false, topicAlias: false };
  const length = c.varint('Property Length', 'property');
  c.need(length, 'property list', 'property');
  const outerEnd = c.end;
  c.end = c.pos + length;
  while (c.pos < c.end) {
    const id = c.varint('property identifier', 'property');
    const decl = MQTT5_PROPERTY_BY_ID.get(id);
    if (!decl) throw malformed('property', `unknown property identifier 0x${id.toString(16)} (§2.2.2.2)`);
    if (!decl.in.includes(context)) {
      throw malformed(
        'property',
        `${decl.name} (0x${id.toString(16)}) is not allowed in ${context.toUpperCase()} (§2.2.2.2)`,
      );
    }
    if (!decl.repeatable) {
      if (walk.seen.includes(id))
        throw protocolError('property', `${decl.name} appears more than once (§2.2.2.2)`);
      walk.seen.push(id);
    }
    const what = decl.name;
    let numeric: number | undefined;
    switch (decl.type) {
      case 'byte':
        numeric = c.byte(what, 'property');
        break;
      case 'two-byte':
        numeric = c.u16(what, 'property');
        break;
      case 'four-byte':
        c.need(4, what, 'property');
        numeric = c.bytes.readUInt32BE(c.pos);
        c.pos += 4;
        break;
      case 'varint':
        numeric = c.varint(what, 'property');
        break;
      case 'binary':
        c.binary(what, 'property');
        break;
      case 'utf8': {
        const [start, end] = c.utf8(what, 'property', version);
        if (decl.topicName && (start === end || hasWildcard(c.bytes, start, end))) {
          throw protocolError('property', `${what} must be a topic name without wildcards (MQTT-3.3.2-14)`);
        }
        break;
      }
      case 'utf8-pair':
        c.utf8(`${what} name`, 'property', version);
        c.utf8(`${what} value`, 'property', version);
        break;
    }
    if (numeric !== undefined && decl.forbidden?.test(numeric)) {
      throw new Violation(
        'property',
        decl.forbidden.reasonCode ?? PROTOCOL_ERROR,
        `${what} ${decl.forbidden.rule}`,
      );
    }
    if (id === 0x0b) walk.subscriptionIdentifier = true;
    if (id === 0x23) walk.topicAlias = true;
  }
  // a value that ran past the property list was caught by the shortened end; restore the packet's end
  c.end = outerEnd;
  return walk;
}

/**
 * Validates one complete packet (fixed header included) sent by a client to a server speaking `version` (the
 * version of the connection's CONNECT; for CONNECT itself its own protocol level is used). Returns the first
 * violation, or undefined when mqtt-packet may decode it.
 */
export function validateMqttPacket(
  bytes: Buffer,
  headerLength: number,
  version: MqttVersion,
): MqttViolation | undefined {
  const c = cursor;
  c.bytes = bytes;
  c.pos = headerLength;
  c.end = bytes.length;
  try {
    validate(c, bytes, version);
    return undefined;
  } catch (err) {
    if (err instanceof Violation) return { kind: err.kind, reasonCode: err.reasonCode, message: err.message };
    throw err;
  } finally {
    c.bytes = NO_BYTES; // the cursor must not keep a socket chunk alive
  }
}

const NO_BYTES = Buffer.alloc(0);
const cursor = new Cursor(NO_BYTES, 0, 0);

function validate(c: Cursor, bytes: Buffer, version: MqttVersion): void {
  const type = bytes[0]! >> 4;
  const flags = bytes[0]! & 0x0f;
  const v5 = version === 5;
  switch (type) {
    case 0:
      throw malformed('fixed_header', 'reserved packet type 0 (§2.1.2)');
    case 1:
      expectFlags(flags, 0, type);
      return validateConnect(c);
    case 3:
      return validatePublish(c, flags, version);
    case 4:
    case 5:
    case 7:
      expectFlags(flags, 0, type);
      return validateAck(c, type, version);
    case 6:
      expectFlags(flags, 2, type); // MQTT-3.6.1-1
      return validateAck(c, type, version);
    case 8:
      expectFlags(flags, 2, type); // MQTT-3.8.1-1
      return validateSubscribe(c, version);
    case 10:
      expectFlags(flags, 2, type); // MQTT-3.10.1-1
      return validateUnsubscribe(c, version);
    case 12:
      expectFlags(flags, 0, type);
      // §3.12: no variable header and no payload
      if (c.left !== 0)
        throw malformed('fixed_header', `PINGREQ with remaining length ${c.left} instead of 0 (§3.12)`);
      return;
    case 14:
      expectFlags(flags, 0, type);
      return validateDisconnect(c, version);
    case 15:
      if (!v5) throw malformed('fixed_header', 'reserved packet type 15 (§2.2.1)');
      expectFlags(flags, 0, type);
      return validateAuth(c);
    default:
      // CONNACK, SUBACK, UNSUBACK, PINGRESP: packets only a server sends. They are decoded and refused by the broker
      // as a protocol error; only their flags are checked here.
      expectFlags(flags, 0, type);
  }
}

/** MQTT-2.1.3-1 (3.1.1: MQTT-2.2.2-1/-2): the reserved flag bits must have the listed values. */
function expectFlags(flags: number, expected: number, type: number): void {
  if (flags !== expected) {
    throw malformed(
      'fixed_header',
      `${PACKET_NAMES[type]} with fixed header flags ${flags} instead of ${expected} (MQTT-2.1.3-1)`,
    );
  }
}

const PACKET_NAMES = [
  'RESERVED',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
];

function validateConnect(c: Cursor): void {
  const [nameStart, nameEnd] = c.binary('protocol name', 'connect');
  const name = c.bytes.toString('latin1', nameStart, nameEnd);
  const level = c.byte('protocol level', 'connect');
  // an unknown protocol name or level is mqtt-packet's to refuse: the broker answers it with CONNACK 0x01 (MQTT-3.1.2-2)
  if (!((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3))) return;
  const version = level as MqttVersion;
  const v5 = version === 5;
  const flags = c.byte('connect flags', 'connect');
  if (flags & 0x01) throw malformed('connect', 'the reserved connect flag is set (MQTT-3.1.2-3)');
  const will = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  const password = (flags & 0x40) !== 0;
  const username = (flags & 0x80) !== 0;
  if (!will && willQos !== 0)
    throw malformed(
      'connect',
      `Will QoS ${willQos} without a Will (${v5 ? 'MQTT-3.1.2-11' : 'MQTT-3.1.2-13'})`,
    );
  if (willQos === 3) throw malformed('connect', `Will QoS 3 (${v5 ? 'MQTT-3.1.2-12' : 'MQTT-3.1.2-14'})`);
  if (!will && willRetain)
    throw malformed('connect', `Will Retain without a Will (${v5 ? 'MQTT-3.1.2-13' : 'MQTT-3.1.2-15'})`);
  if (!v5 && password && !username)
    throw malformed('connect', 'password flag without user name flag (MQTT-3.1.2-22)');
  c.u16('keep alive', 'connect');
  if (v5) {
    const walk = walkProperties(c, 'connect', version);
    if (walk.seen.includes(0x16) && !walk.seen.includes(0x15)) {
      throw protocolError('property', 'Authentication Data without an Authentication Method (§3.1.2.11.10)');
    }
  }
  c.utf8('client identifier', 'connect', version); // MQTT-3.1.3-4
  if (will) {
    if (v5) walkProperties(c, 'will', version);
    const [start, end] = c.utf8('will topic', 'connect', version); // MQTT-3.1.3-10 (3.1.1: MQTT-3.1.3-10)
    if (start === end) throw malformed('connect', 'empty will topic (MQTT-4.7.3-1)');
    c.binary('will payload', 'connect');
  }
  if (username) c.utf8('user name', 'connect', version); // MQTT-3.1.3-11 (3.1.1), §3.1.3.5
  if (password) c.binary('password', 'connect');
  if (c.left !== 0)
    throw malformed('connect', `${c.left} bytes after the end of the CONNECT payload (§3.1.3)`);
}

function validatePublish(c: Cursor, flags: number, version: MqttVersion): void {
  const qos = (flags >> 1) & 0x03;
  const dup = (flags & 0x08) !== 0;
  if (qos === 3) throw malformed('publish_header', 'PUBLISH with QoS 3 (MQTT-3.3.1-4)');
  if (qos === 0 && dup) throw malformed('publish_header', 'PUBLISH with QoS 0 and DUP set (MQTT-3.3.1-2)');
  const topicStart = c.utf8Start('topic name', 'publish_header', version); // MQTT-3.3.2-1
  const topicEnd = c.pos;
  if (qos > 0 && c.u16('packet identifier', 'publish_header') === 0) {
    throw protocolError('publish_header', `PUBLISH QoS ${qos} with packet identifier 0 (MQTT-2.3.1-1)`);
  }
  if (version === 5) {
    const walk = walkProperties(c, 'publish', version);
    if (walk.subscriptionIdentifier) {
      throw protocolError(
        'property',
        'a PUBLISH from a client carries a Subscription Identifier (MQTT-3.3.4-6)',
      );
    }
    // a zero-length topic is allowed only with a Topic Alias (§3.3.2.3.4); without one it is a protocol error
    if (topicStart === topicEnd && !walk.topicAlias) {
      throw protocolError(
        'publish_header',
        'PUBLISH with an empty topic name and no Topic Alias (§3.3.2.3.4)',
      );
    }
  } else if (topicStart === topicEnd) {
    throw malformed('publish_header', 'PUBLISH with an empty topic name (MQTT-4.7.3-1)');
  }
  // the rest is the payload, any bytes
}

function validateAck(c: Cursor, type: number, version: MqttVersion): void {
  const name = ACK_NAMES[type]!;
  const NAME = PACKET_NAMES[type]!;
  if (version !== 5) {
    // 3.1.1 §3.4.1–3.7.1: remaining length 2, the packet identifier only
    if (c.left !== 2)
      throw malformed('ack', `${NAME} with remaining length ${c.left} instead of 2 (§3.${type}.1)`);
  } else if (c.left < 2) {
    throw malformed(
      'ack',
      `${NAME} with remaining length ${c.left}, too short for a packet identifier (§3.${type}.2)`,
    );
  }
  if (c.u16('packet identifier', 'ack') === 0)
    throw protocolError('ack', `${NAME} with packet identifier 0 (MQTT-2.3.1-1)`);
  if (version !== 5 || c.left === 0) return; // MQTT 5: no reason code means 0x00 Success (§3.4.2.1)
  const reason = c.byte('reason code', 'ack');
  const allowed = type === 4 || type === 5 ? PUBACK_REASONS : PUBREL_REASONS;
  if (!allowed.has(reason)) {
    throw protocolError(
      'ack',
      `${NAME} with reason code 0x${reason.toString(16)}, not one of its reason codes (MQTT-3.${type}.2-1)`,
    );
  }
  if (c.left === 0) return; // remaining length 3: no properties (§3.4.2.2)
  walkProperties(c, name, version);
  if (c.left !== 0) throw malformed('ack', `${c.left} bytes after the properties of ${NAME}`);
}

function validateSubscribe(c: Cursor, version: MqttVersion): void {
  if (c.u16('packet identifier', 'topic_filter') === 0)
    throw protocolError('topic_filter', 'SUBSCRIBE with packet identifier 0 (MQTT-2.3.1-1)');
  if (version === 5) walkProperties(c, 'subscribe', version);
  // MQTT-3.8.3-3: at least one filter; MQTT 5 §3.8.3 calls a SUBSCRIBE without payload a Protocol Error
  if (c.left === 0) throw protocolError('topic_filter', 'SUBSCRIBE without a topic filter (MQTT-3.8.3-3)');
  while (c.left > 0) {
    const [start, end] = c.utf8('topic filter', 'topic_filter', version); // MQTT-3.8.3-1
    if (start === end) throw malformed('topic_filter', 'empty topic filter in SUBSCRIBE (MQTT-4.7.3-1)');
    const options = c.byte('subscription options', 'topic_filter');
    if (version !== 5) {
      // 3.1.1 MQTT-3.8.3-4: reserved bits must be 0 and the QoS 0, 1 or 2
      if (options & 0xfc || (options & 0x03) === 3)
        throw malformed('topic_filter', `subscription options 0x${options.toString(16)} (MQTT-3.8.3-4)`);
      continue;
    }
    if (options & 0xc0)
      throw malformed(
        'topic_filter',
        `reserved bits set in subscription options 0x${options.toString(16)} (MQTT-3.8.3-5)`,
      );
    if ((options & 0x03) === 3)
      throw protocolError('topic_filter', 'subscription with Maximum QoS 3 (§3.8.3.1)');
    if (((options >> 4) & 0x03) === 3)
      throw protocolError('topic_filter', 'subscription with Retain Handling 3 (§3.8.3.1)');
    if (options & 0x04 && c.bytes.toString('latin1', start, Math.min(end, start + 7)) === '$share/') {
      throw protocolError('topic_filter', 'No Local on a shared subscription (MQTT-3.8.3-4)');
    }
  }
}

function validateUnsubscribe(c: Cursor, version: MqttVersion): void {
  if (c.u16('packet identifier', 'topic_filter') === 0)
    throw protocolError('topic_filter', 'UNSUBSCRIBE with packet identifier 0 (MQTT-2.3.1-1)');
  if (version === 5) walkProperties(c, 'unsubscribe', version);
  // MQTT-3.10.3-2: at least one filter; MQTT 5 §3.10.3 calls an UNSUBSCRIBE without payload a Protocol Error
  if (c.left === 0) throw protocolError('topic_filter', 'UNSUBSCRIBE without a topic filter (MQTT-3.10.3-2)');
  while (c.left > 0) {
    const [start, end] = c.utf8('topic filter', 'topic_filter', version); // MQTT-3.10.3-1
    if (start === end) throw malformed('topic_filter', 'empty topic filter in UNSUBSCRIBE (MQTT-4.7.3-1)');
  }
}

function validateDisconnect(c: Cursor, version: MqttVersion): void {
  if (version !== 5) {
    if (c.left !== 0)
      throw malformed('fixed_header', `DISCONNECT with remaining length ${c.left} instead of 0 (§3.14)`);
    return;
  }
  if (c.left === 0) return; // §3.14.2.1: no reason code means 0x00
  const reason = c.byte('reason code', 'packet');
  if (!DISCONNECT_REASONS.has(reason))
    throw protocolError('packet', `DISCONNECT with reason code 0x${reason.toString(16)} (MQTT-3.14.2-1)`);
  if (c.left === 0) return;
  walkProperties(c, 'disconnect', version);
  if (c.left !== 0) throw malformed('packet', `${c.left} bytes after the properties of DISCONNECT`);
}

function validateAuth(c: Cursor): void {
  if (c.left === 0) return; // §3.15.2.1: no reason code means 0x00
  const reason = c.byte('reason code', 'packet');
  if (!AUTH_REASONS.has(reason))
    throw protocolError('packet', `AUTH with reason code 0x${reason.toString(16)} (MQTT-3.15.2-1)`);
  if (c.left === 0) return;
  walkProperties(c, 'auth', 5);
  if (c.left !== 0) throw malformed('packet', `${c.left} bytes after the properties of AUTH`);
}
