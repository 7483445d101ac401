// A thin per-connection wrapper over mqtt-packet: one streaming parser per connection that learns the protocol
// version from CONNECT, enforces a maximum packet size before buffering a whole oversized packet, and an encoder
// that writes packets for the connection's negotiated version.
import mqttPacket from 'mqtt-packet';
import type { Packet, Parser } from 'mqtt-packet';

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

export type MqttVersion = 3 | 4 | 5;

/** Why the codec gave up on a byte stream; the connection must be closed after any of these. */
export class MqttCodecError extends Error {
  constructor(
    message: string,
    /** an MQTT 5 reason code describing the problem (0x81 malformed packet, 0x95 packet too large). */
    readonly reasonCode: number,
  ) {
    super(message);
    this.name = 'MqttCodecError';
  }
}

export interface MqttDecoderOptions {
  /** largest packet accepted, in bytes of remaining length; larger ones are rejected as soon as the header is read. */
  maxPacketSize: number;
  onPacket: (packet: Packet) => void;
  onError: (error: MqttCodecError) => void;
}

/** A streaming decoder for one connection. Feed it socket chunks; it calls back per packet or once on error. */
export class MqttDecoder {
  private readonly parser: Parser & { settings: { protocolVersion?: number }; packet: { length: number } };
  private failed = false;

  constructor(private readonly options: MqttDecoderOptions) {
    this.parser = mqttPacket.parser({ protocolVersion: 4 }) as MqttDecoder['parser'];
    this.parser.on('packet', (packet: Packet) => {
      if (this.failed) return;
      if (packet.cmd === 'connect') {
        // mqtt-packet does not switch versions by itself; later packets must be parsed with CONNECT's version.
        this.parser.settings.protocolVersion = packet.protocolVersion ?? 4;
      }
      this.options.onPacket(packet);
    });
    this.parser.on('error', (err: Error) => this.fail(new MqttCodecError(err.message, 0x81)));
  }

  get protocolVersion(): MqttVersion {
    return (this.parser.settings.protocolVersion ?? 4) as MqttVersion;
  }

  /** Parses a chunk. After an error no more packets are delivered. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    try {
      this.parser.parse(chunk);
    } catch (err) {
      // mqtt-packet reports most problems through 'error', but a few malformed inputs throw instead.
      this.fail(new MqttCodecError((err as Error).message, 0x81));
      return;
    }
    const pending = this.parser.packet.length;
    if (!this.failed && pending > this.options.maxPacketSize) {
      this.fail(new MqttCodecError(`packet of ${pending} bytes exceeds the maximum of ${this.options.maxPacketSize}`, 0x95));
    }
  }

  private fail(error: MqttCodecError): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onError(error);
  }
}

/** Encodes a packet for the given protocol version. */
export function encodePacket(packet: Packet, protocolVersion: MqttVersion): Buffer {
  return mqttPacket.generate(packet, { protocolVersion });
}
