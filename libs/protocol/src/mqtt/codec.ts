// A per-connection wrapper over mqtt-packet: one streaming decoder per connection that frames packets itself,
// enforces a maximum packet size before buffering a whole oversized packet, holds every packet to the spec's
// stateless rules (validate.ts) before it is decoded, and learns the protocol version from CONNECT; and an encoder
// that writes packets for the connection's negotiated version. The packets of the message flow — PUBLISH without
// MQTT 5 properties and PUBACK/PUBREC/PUBREL/PUBCOMP without properties — are decoded here directly from the
// validated bytes (fast-packets.ts: no copy, no per-field debug calls); every other packet goes to mqtt-packet.
//
// A decoder holds no mqtt-packet parser of its own: since it hands mqtt-packet one whole packet at a time, which is
// parsed synchronously, the decoders of all connections share one (a parser and its buffer-list stream cost ~1.5 KB
// per idle connection otherwise, issue 16); it holds no buffer while no partial packet is waiting.
import mqttPacket from 'mqtt-packet';
import type { Packet, Parser } from 'mqtt-packet';

// mqtt-packet's encoder otherwise builds, on its first use, a cache of a 2-byte Buffer for each of the 65,536 16-bit
// numbers (~6.5 MB of heap a process holds from its first client on, issue 16); the packets it still encodes here
// (CONNACK, SUBACK, MQTT 5 PUBLISH with properties, ...) then allocate their few numbers instead. Process-wide: an
// MQTT.js client in the same process encodes the same way.
mqttPacket.writeToStream.cacheNumbers = false;

export type {
  Packet,
  IConnectPacket,
  IConnackPacket,
  IPublishPacket,
  IPubackPacket,
  IPubrecPacket,
  IPubrelPacket,
  IPubcompPacket,
  ISubscribePacket,
  ISubackPacket,
  IUnsubscribePacket,
  IUnsubackPacket,
  IPingreqPacket,
  IPingrespPacket,
  IDisconnectPacket,
  IAuthPacket,
  QoS,
} from 'mqtt-packet';

import { LastTopic, decodeFastPacket } from './fast-packets.js';
import { validateMqttPacket, type MqttVersion, type MqttViolationKind } from './validate.js';

export type { MqttVersion };
export type { WirePublish } from './fast-packets.js';

/** Why the codec gave up on a byte stream; the connection must be closed after any of these. */
export class MqttCodecError extends Error {
  constructor(
    message: string,
    /** an MQTT 5 reason code describing the problem (0x81 malformed packet, 0x82 protocol error, 0x95 packet too large). */
    readonly reasonCode: number,
    /** which rule was broken, for metrics; 'malformed' when mqtt-packet itself refused the bytes. */
    readonly kind: MqttViolationKind | 'malformed' | 'too_large' = 'malformed',
    /** the packet type (1..15) of the offending packet, when its fixed header was read. */
    readonly packetType?: number,
    /** for a refused CONNECT: the protocol level it asked for, so a v5 client can be answered with CONNACK. */
    readonly connectLevel?: number,
  ) {
    super(message);
    this.name = 'MqttCodecError';
  }
}

/** Called as methods of this object, so a connection can pass itself rather than closures of its own. */
export interface MqttDecoderOptions {
  /** largest packet accepted, in bytes of remaining length; larger ones are rejected as soon as the header is read. */
  readonly maxPacketSize: number;
  onPacket(packet: Packet): void;
  onError(error: MqttCodecError): void;
}

type PooledParser = Parser & {
  settings: { protocolVersion?: number };
  error: Error | null;
  /** the decoder whose packet it is parsing now. */
  owner: MqttDecoder | undefined;
  // mqtt-packet's own state, read to tell whether the parser is back at the start of a packet
  _list: { length: number };
  _stateCounter: number;
};

/** The parser not in use; a parse that finds none (a packet handler that decodes another connection's input
 * synchronously) makes one. */
let freeParser: PooledParser | undefined;

/** The packet the shared parser is decoding now, to describe its error (set around each parse, and put back after
 * it, so a handler that decodes another connection's input synchronously does not lose it). Module state rather
 * than two fields of every decoder: a broker holds one decoder per connection (issue 16). */
let parsingPacket: Buffer | undefined;
let parsingHeaderLength = 0;

function newParser(): PooledParser {
  const parser = mqttPacket.parser({ protocolVersion: 4 }) as PooledParser;
  parser.owner = undefined;
  parser.on('packet', (packet: Packet) => parser.owner?.parsed(packet));
  parser.on('error', (err: Error) => parser.owner?.parserFailed(err));
  return parser;
}

/**
 * A streaming decoder for one connection. Feed it socket chunks; it calls back per packet or once on error.
 *
 * It frames packets itself (fixed header and remaining length) so each whole packet's raw bytes pass the strict
 * validator (validate.ts) before mqtt-packet decodes them: a packet either satisfies every stateless rule of the
 * spec or is never delivered. Framing copies nothing when a chunk holds whole packets; a packet split across
 * chunks is joined once, when its last byte has arrived.
 */
export class MqttDecoder {
  /** the version of the CONNECT: later packets are parsed with it; negated after an error (nothing more is decoded),
   * one field for both. */
  private version = 4;
  /** received bytes not yet framed into a whole packet; undefined while there are none. */
  private chunks: Buffer[] | undefined = undefined;
  private buffered = 0;
  /** the last PUBLISH topic, created with the first PUBLISH (an idle connection never has one) */
  private lastTopic: LastTopic | undefined = undefined;

  constructor(private options: MqttDecoderOptions) {}

  get protocolVersion(): MqttVersion {
    return Math.abs(this.version) as MqttVersion;
  }

  /** True when nothing a later chunk needs is held here — no partial packet, no remembered topic, no failure — and
   * the version is `version`: the connection may then let the decoder go and decode its next chunk with any
   * resting decoder given to it by `rebind` (issue 16: an idle connection keeps no decoder). */
  isResting(version: MqttVersion): boolean {
    return this.chunks === undefined && this.lastTopic === undefined && this.version === version;
  }

  /** Hands a resting decoder (see isResting) to a connection whose packets so far were of `version`. */
  rebind(options: MqttDecoderOptions, version: MqttVersion): void {
    if (this.chunks !== undefined || this.lastTopic !== undefined || this.version < 0)
      throw new Error('only a resting decoder can be rebound');
    this.options = options;
    this.version = version;
  }

  private get failed(): boolean {
    return this.version < 0;
  }

  /** Parses a chunk. After an error no more packets are delivered. */
  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    if (this.chunks === undefined) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.frame(this.chunks);
    if (this.buffered === 0) this.chunks = undefined;
  }

  private frame(chunks: Buffer[]): void {
    while (!this.failed && this.buffered > 0) {
      let head = chunks[0]!;
      // the fixed header is at most 5 bytes; join the first chunks when it straddles them
      if (head.length < 5 && chunks.length > 1) head = this.join(chunks);
      const header = readFixedHeader(head);
      if (header === undefined) return; // wait for more header bytes
      if (typeof header === 'string') {
        this.fail(new MqttCodecError(header, 0x81, 'fixed_header', head[0]! >> 4));
        return;
      }
      if (header.remaining > this.options.maxPacketSize) {
        const message = `packet of ${header.remaining} bytes exceeds the maximum of ${this.options.maxPacketSize}`;
        this.fail(new MqttCodecError(message, 0x95, 'too_large', head[0]! >> 4));
        return;
      }
      const total = header.length + header.remaining;
      if (this.buffered < total) return; // wait for the rest of the packet
      if (head.length < total) head = this.join(chunks);
      const packet = total === head.length ? head : head.subarray(0, total);
      if (total === head.length) chunks.shift();
      else chunks[0] = head.subarray(total);
      this.buffered -= total;
      this.deliver(packet, header.length);
    }
  }

  private deliver(packet: Buffer, headerLength: number): void {
    const type = packet[0]! >> 4;
    const version = this.version as MqttVersion;
    const violation = validateMqttPacket(packet, headerLength, version);
    if (violation) {
      const level = type === 1 ? connectLevel(packet, headerLength) : undefined;
      this.fail(new MqttCodecError(violation.message, violation.reasonCode, violation.kind, type, level));
      return;
    }
    const fast =
      type === 3
        ? decodeFastPacket(packet, headerLength, type, version, (this.lastTopic ??= new LastTopic()))
        : type >= 4 && type <= 7
          ? decodeFastPacket(packet, headerLength, type, version)
          : undefined;
    if (fast !== undefined) {
      try {
        this.options.onPacket(fast);
      } catch (err) {
        // as when mqtt-packet's 'packet' listener throws: the connection ends, the process does not
        this.fail(new MqttCodecError((err as Error).message, 0x81, 'malformed'));
      }
      return;
    }
    const outerPacket = parsingPacket;
    const outerHeaderLength = parsingHeaderLength;
    parsingPacket = packet;
    parsingHeaderLength = headerLength;
    const parser = freeParser ?? newParser();
    freeParser = undefined;
    parser.owner = this;
    // mqtt-packet does not switch versions by itself; every packet after CONNECT is parsed with CONNECT's version
    parser.settings.protocolVersion = version;
    try {
      parser.parse(packet);
    } catch (err) {
      // mqtt-packet reports most problems through 'error', but a few malformed inputs throw instead.
      this.parserFailed(err as Error);
    }
    parser.owner = undefined;
    // a parser left inside a packet (an error, a throwing handler) is not reused: its state is not the start
    if (parser._list.length === 0 && parser._stateCounter === 0 && !parser.error) freeParser = parser;
    parsingPacket = outerPacket;
    parsingHeaderLength = outerHeaderLength;
  }

  /** The shared parser decoded this decoder's packet. */
  parsed(packet: Packet): void {
    if (this.failed) return;
    if (packet.cmd === 'connect') this.version = packet.protocolVersion ?? 4;
    this.options.onPacket(packet);
  }

  /** The shared parser refused this decoder's packet (or threw). */
  parserFailed(err: Error): void {
    const packet = parsingPacket;
    const type = packet ? packet[0]! >> 4 : undefined;
    const level = packet && type === 1 ? connectLevel(packet, parsingHeaderLength) : undefined;
    this.fail(new MqttCodecError(err.message, 0x81, 'malformed', type, level));
  }

  /** Joins the buffered chunks into one. */
  private join(chunks: Buffer[]): Buffer {
    const joined = Buffer.concat(chunks, this.buffered);
    chunks.length = 1;
    chunks[0] = joined;
    return joined;
  }

  private fail(error: MqttCodecError): void {
    if (this.failed) return;
    this.version = -this.version;
    this.chunks = undefined;
    this.buffered = 0;
    this.options.onError(error);
  }
}

/** The fixed header (§2.1): its length and the remaining length; undefined when incomplete, a message when broken.
 * The remaining length is a Variable Byte Integer of at most 4 bytes in its shortest form (MQTT-1.5.5-1). */
function readFixedHeader(bytes: Buffer): { length: number; remaining: number } | string | undefined {
  let remaining = 0;
  let multiplier = 1;
  for (let i = 1; i <= 4; i++) {
    if (i >= bytes.length) return undefined;
    const b = bytes[i]!;
    remaining += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) {
      if (i > 1 && b === 0) return 'remaining length not in its shortest encoding (MQTT-1.5.5-1)';
      return { length: i + 1, remaining };
    }
    multiplier *= 128;
  }
  return 'remaining length longer than 4 bytes (§1.5.5)';
}

/** The protocol level of a CONNECT, when it has one. */
function connectLevel(packet: Buffer, headerLength: number): number | undefined {
  if (packet.length < headerLength + 2) return undefined;
  const at = headerLength + 2 + packet.readUInt16BE(headerLength);
  return at < packet.length ? packet[at] : undefined;
}

/** Encodes a packet for the given protocol version. */
export function encodePacket(packet: Packet, protocolVersion: MqttVersion): Buffer {
  return mqttPacket.generate(packet, { protocolVersion });
}
