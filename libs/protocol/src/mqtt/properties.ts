// The MQTT 5 property table (spec §2.2.2.2, Table 2-4), declared once: each property's identifier, data type, the
// packets that may carry it, whether it may repeat, and the values the spec forbids. The packet validator walks a
// packet's properties with this table instead of one hand-written check per packet type, the way Kafka's message
// schemas declare every field once and the codec follows them.

/** The data types of §1.5 a property value can have. */
export type PropertyType = 'byte' | 'two-byte' | 'four-byte' | 'varint' | 'utf8' | 'binary' | 'utf8-pair';

/** Where a property list appears: a packet type, or the Will Properties inside CONNECT. */
export type PropertyContext =
  | 'connect'
  | 'will'
  | 'connack'
  | 'publish'
  | 'puback'
  | 'pubrec'
  | 'pubrel'
  | 'pubcomp'
  | 'subscribe'
  | 'suback'
  | 'unsubscribe'
  | 'unsuback'
  | 'disconnect'
  | 'auth';

export interface PropertyDeclaration {
  readonly id: number;
  readonly name: string;
  readonly type: PropertyType;
  /** the property lists it may appear in; anywhere else it makes the packet malformed (§2.2.2.2). */
  readonly in: readonly PropertyContext[];
  /** may appear more than once; every other property more than once is a Protocol Error (each property's clause). */
  readonly repeatable?: boolean;
  /** numeric values the spec calls a Protocol Error, as a predicate on the value, with the clause that says so, and
   * the reason code when the spec names a more precise one than 0x82. */
  readonly forbidden?: {
    readonly test: (value: number) => boolean;
    readonly rule: string;
    readonly reasonCode?: number;
  };
  /** a UTF-8 value that must be a topic name without wildcards (Response Topic, MQTT-3.3.2-14). */
  readonly topicName?: boolean;
}

const zeroOrOne = { test: (v: number) => v > 1, rule: 'must be 0 or 1' };

const ACKS: PropertyContext[] = ['puback', 'pubrec', 'pubrel', 'pubcomp'];

/** Table 2-4 of the MQTT 5 specification. */
export const MQTT5_PROPERTIES: readonly PropertyDeclaration[] = [
  { id: 0x01, name: 'Payload Format Indicator', type: 'byte', in: ['publish', 'will'], forbidden: zeroOrOne },
  { id: 0x02, name: 'Message Expiry Interval', type: 'four-byte', in: ['publish', 'will'] },
  { id: 0x03, name: 'Content Type', type: 'utf8', in: ['publish', 'will'] },
  { id: 0x08, name: 'Response Topic', type: 'utf8', in: ['publish', 'will'], topicName: true },
  { id: 0x09, name: 'Correlation Data', type: 'binary', in: ['publish', 'will'] },
  {
    // repeatable in a server's PUBLISH (one per matching subscription, §3.3.2.3.8), never sent by a client
    // (MQTT-3.3.4-6, checked by the validator); once in SUBSCRIBE (§3.8.2.1.2)
    id: 0x0b,
    name: 'Subscription Identifier',
    type: 'varint',
    in: ['publish', 'subscribe'],
    forbidden: { test: (v) => v === 0, rule: 'must not be 0 (§3.8.2.1.2)' },
  },
  { id: 0x11, name: 'Session Expiry Interval', type: 'four-byte', in: ['connect', 'connack', 'disconnect'] },
  { id: 0x12, name: 'Assigned Client Identifier', type: 'utf8', in: ['connack'] },
  { id: 0x13, name: 'Server Keep Alive', type: 'two-byte', in: ['connack'] },
  { id: 0x15, name: 'Authentication Method', type: 'utf8', in: ['connect', 'connack', 'auth'] },
  { id: 0x16, name: 'Authentication Data', type: 'binary', in: ['connect', 'connack', 'auth'] },
  { id: 0x17, name: 'Request Problem Information', type: 'byte', in: ['connect'], forbidden: zeroOrOne },
  { id: 0x18, name: 'Will Delay Interval', type: 'four-byte', in: ['will'] },
  { id: 0x19, name: 'Request Response Information', type: 'byte', in: ['connect'], forbidden: zeroOrOne },
  { id: 0x1a, name: 'Response Information', type: 'utf8', in: ['connack'] },
  { id: 0x1c, name: 'Server Reference', type: 'utf8', in: ['connack', 'disconnect'] },
  {
    id: 0x1f,
    name: 'Reason String',
    type: 'utf8',
    in: ['connack', ...ACKS, 'suback', 'unsuback', 'disconnect', 'auth'],
  },
  {
    id: 0x21,
    name: 'Receive Maximum',
    type: 'two-byte',
    in: ['connect', 'connack'],
    forbidden: { test: (v) => v === 0, rule: 'must not be 0 (§3.1.2.11.3)' },
  },
  { id: 0x22, name: 'Topic Alias Maximum', type: 'two-byte', in: ['connect', 'connack'] },
  {
    id: 0x23,
    name: 'Topic Alias',
    type: 'two-byte',
    in: ['publish'],
    // 0x94 Topic Alias invalid is the code the spec gives for an alias the receiver cannot accept (Table 2-6)
    forbidden: {
      test: (v) => v === 0,
      rule: 'must not be 0: there is no alias 0 (MQTT-3.3.2-8)',
      reasonCode: 0x94,
    },
  },
  { id: 0x24, name: 'Maximum QoS', type: 'byte', in: ['connack'], forbidden: zeroOrOne },
  { id: 0x25, name: 'Retain Available', type: 'byte', in: ['connack'], forbidden: zeroOrOne },
  {
    id: 0x26,
    name: 'User Property',
    type: 'utf8-pair',
    in: [
      'connect',
      'will',
      'connack',
      'publish',
      ...ACKS,
      'subscribe',
      'suback',
      'unsubscribe',
      'unsuback',
      'disconnect',
      'auth',
    ],
    repeatable: true,
  },
  {
    id: 0x27,
    name: 'Maximum Packet Size',
    type: 'four-byte',
    in: ['connect', 'connack'],
    forbidden: { test: (v) => v === 0, rule: 'must not be 0 (§3.1.2.11.4)' },
  },
  { id: 0x28, name: 'Wildcard Subscription Available', type: 'byte', in: ['connack'], forbidden: zeroOrOne },
  {
    id: 0x29,
    name: 'Subscription Identifier Available',
    type: 'byte',
    in: ['connack'],
    forbidden: zeroOrOne,
  },
  { id: 0x2a, name: 'Shared Subscription Available', type: 'byte', in: ['connack'], forbidden: zeroOrOne },
];

/** property id → declaration, for the validator's walk. */
export const MQTT5_PROPERTY_BY_ID: ReadonlyMap<number, PropertyDeclaration> = new Map(
  MQTT5_PROPERTIES.map((p) => [p.id, p]),
);

/** Whether a property may appear in a property list of this context (Table 2-4). */
export function propertyAllowed(id: number, context: PropertyContext): boolean {
  return MQTT5_PROPERTY_BY_ID.get(id)?.in.includes(context) ?? false;
}
