// One MQTT 3.1.1 client over a bare `net` socket: the handshake (CONNECT/CONNACK, SUBSCRIBE/SUBACK) awaits replies
// with timeouts, after which the scenario installs its own per-frame and per-chunk handlers and writes pre-encoded
// bytes itself. No MQTT library sits on the hot path, so the load generator is not what limits a measurement.
import { connect, type Socket } from 'node:net';
import { FrameReader, PacketType, type FrameHandler } from './frame-reader.js';
import { connackReturnCode, connectPacket, subackFirstGrant, subscribePacket } from './mqtt-packets.js';

/** Raised when a broker does not answer in time; scenarios turn this into a "not supported" cell. */
export class NoReplyError extends Error {
  readonly code = 'BENCH_NO_REPLY';
}

interface Waiter {
  type: number;
  resolve: (body: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RawMqttClient {
  /** the scenario's per-frame handler, installed once the handshake is done */
  onFrame: FrameHandler | null = null;
  /** called after each received chunk has been split into frames: the place to flush batched writes */
  onChunkEnd: (() => void) | null = null;
  /** why the connection ended, once it has */
  closedReason: string | null = null;
  private waiter: Waiter | null = null;
  private readonly reader: FrameReader;

  private constructor(readonly socket: Socket) {
    this.reader = new FrameReader((type, flags, buf, start, end) => {
      const waiter = this.waiter;
      if (waiter && waiter.type === type) {
        this.waiter = null;
        clearTimeout(waiter.timer);
        waiter.resolve(Buffer.from(buf.subarray(start, end)));
      } else if (this.onFrame) {
        this.onFrame(type, flags, buf, start, end);
      }
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (err) {
        this.fail((err as Error).message);
        return;
      }
      if (this.onChunkEnd) this.onChunkEnd();
    });
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () => this.fail('connection closed by the broker'));
  }

  /** Opens a socket and completes CONNECT/CONNACK; rejects on refusal, error or timeout. */
  static async open(
    port: number,
    clientId: string,
    keepAliveSeconds: number,
    timeoutMs: number,
  ): Promise<RawMqttClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    const client = new RawMqttClient(socket);
    const connack = client.expect(PacketType.CONNACK, timeoutMs, 'CONNACK');
    socket.write(connectPacket(clientId, keepAliveSeconds));
    const body = await connack;
    const code = connackReturnCode(body, 0, body.length);
    if (code !== 0) {
      socket.destroy();
      throw new Error(`CONNACK refused the connection (return code ${code})`);
    }
    return client;
  }

  /** Subscribes to one filter and returns the QoS granted (0x80 = refused). */
  async subscribe(topic: string, qos: 0 | 1, timeoutMs: number): Promise<number> {
    const suback = this.expect(PacketType.SUBACK, timeoutMs, 'SUBACK');
    this.socket.write(subscribePacket(topic, qos));
    const body = await suback;
    return subackFirstGrant(body, 0, body.length);
  }

  /** Resolves with the body of the next frame of `type` (the only frame type the handshake waits for at a time). */
  expect(type: number, timeoutMs: number, what: string): Promise<Buffer> {
    if (this.closedReason) return Promise.reject(new Error(this.closedReason));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new NoReplyError(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { type, resolve, reject, timer };
    });
  }

  close(): void {
    this.closedReason ??= 'closed by the load generator';
    this.socket.destroy();
  }

  private fail(reason: string): void {
    this.closedReason ??= reason;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
  }
}
