// A raw Kafka connection for tests of the protocol's edges: sends bytes as they are (a frame too large, a truncated
// body, an API from the future) or requests encoded by the codec, and reads back size-prefixed frames. Real clients
// (kafkajs, kcat, kafka-python) are what the other tests use; this is for what no real client sends.
import { connect, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { FrameSplitter, decodeResponse, encodeRequest, type KafkaValue } from '@robustmq/protocol/kafka';

export class RawKafkaClient {
  private readonly frames: Buffer[] = [];
  private readonly splitter = new FrameSplitter(64 * 1024 * 1024);
  private wake: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.frames.push(...this.splitter.push(d));
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawKafkaClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new RawKafkaClient(s)));
      s.once('error', reject);
    });
  }

  /** over TLS (the broker's TLS listener); resolves once the handshake is done, rejects when it fails. */
  static openTls(port: number, options: ConnectionOptions, host = '127.0.0.1'): Promise<RawKafkaClient> {
    return new Promise((resolve, reject) => {
      const s = connectTls({ port, host, ...options }, () => resolve(new RawKafkaClient(s)));
      s.once('error', reject);
      s.once('close', () => reject(new Error('the connection closed before the TLS handshake finished')));
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** the next response frame (without its size), or undefined when the connection closed or timeoutMs passed. */
  async frame(timeoutMs = 5000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, Math.min(50, deadline - Date.now()));
      });
    }
    return this.frames.shift();
  }

  /** sends a request encoded by the codec and decodes its response (throws when none comes). */
  async request(
    apiKey: number,
    apiVersion: number,
    body: KafkaValue,
    correlationId = 1,
    timeoutMs = 5000,
  ): Promise<KafkaValue> {
    this.send(encodeRequest({ apiKey, apiVersion, correlationId, clientId: 'raw' }, body));
    const f = await this.frame(timeoutMs);
    if (!f)
      throw new Error(
        `no response to API ${apiKey} v${apiVersion}${this.closed ? ' (connection closed)' : ''}`,
      );
    const decoded = decodeResponse(apiKey, apiVersion, f);
    if (decoded.correlationId !== correlationId)
      throw new Error(`response for correlation id ${decoded.correlationId}, expected ${correlationId}`);
    return decoded.body;
  }

  /** whether the peer closed the connection within timeoutMs. */
  async closedByPeer(timeoutMs = 3000): Promise<boolean> {
    await this.frame(timeoutMs);
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
