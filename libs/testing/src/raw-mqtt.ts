// A raw TCP client for tests that must send what no well-behaved MQTT client would: garbage, a second CONNECT,
// silence. It decodes what the broker answers and reports when the broker closes the socket.
import { connect, type Socket } from 'node:net';
import { encodePacket, type IConnackPacket, type MqttVersion, type Packet } from '@robustmq/protocol';
import mqttPacket from 'mqtt-packet';
import type { Scope } from './scope.js';

export class RawClient {
  readonly packets: Packet[] = [];
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    version: MqttVersion,
  ) {
    // a client-side parser: it must be told the version to read MQTT 5 CONNACK/DISCONNECT
    const parser = mqttPacket.parser({ protocolVersion: version });
    parser.on('packet', (packet: Packet) => {
      this.packets.push(packet);
      for (const wake of this.waiters.splice(0)) wake();
    });
    parser.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Connects to 127.0.0.1:port; destroyed when `scope` closes, if one is given. */
  static open(port: number, version: MqttVersion = 4, scope?: Scope): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        const client = new RawClient(socket, version);
        scope?.add(client, (c) => c.destroy(), 'raw MQTT client');
        resolve(client);
      });
      socket.once('error', reject);
    });
  }

  /**
   * Opens a connection, sends CONNECT (`connectPacket(clientId, options)`) and waits for the CONNACK: the client and
   * the broker's answer, which the caller checks.
   */
  static async connected(
    port: number,
    clientId: string,
    options: ConnectOptions & { connackTimeoutMs?: number } = {},
    scope?: Scope,
  ): Promise<[RawClient, IConnackPacket]> {
    const version = options.version ?? 4;
    const client = await RawClient.open(port, version, scope);
    client.send(connectPacket(clientId, options), version);
    return [client, (await client.next('connack', options.connackTimeoutMs)) as IConnackPacket];
  }

  send(packet: Packet, version: MqttVersion = 4): void {
    this.socket.write(encodePacket(packet, version));
  }

  /** Waits until a packet of the given type has arrived (or fails after timeoutMs). */
  async next(cmd: Packet['cmd'], timeoutMs = 2_000): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.packets.findIndex((p) => p.cmd === cmd);
      if (index >= 0) return this.packets.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${cmd} within ${timeoutMs} ms (got ${this.packets.map((p) => p.cmd).join(', ') || 'nothing'})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves true if the broker closes the socket within timeoutMs. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([this.closed.then(() => true), timedOut]);
    clearTimeout(timer);
    return result;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface ConnectOptions {
  keepalive?: number;
  clean?: boolean;
  version?: MqttVersion;
  /** MQTT 5 CONNECT properties. */
  properties?: Record<string, unknown>;
}

export function connectPacket(clientId: string, options: ConnectOptions = {}): Packet {
  const version = options.version ?? 4;
  return {
    cmd: 'connect',
    clientId,
    protocolVersion: version,
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    clean: options.clean ?? true,
    keepalive: options.keepalive ?? 60,
    ...(options.properties ? { properties: options.properties } : {}),
  } as Packet;
}
