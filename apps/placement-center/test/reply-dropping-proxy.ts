// A TCP proxy for tests that loses replies on purpose. It forwards gRPC (HTTP/2) traffic both ways, frame by frame
// from the server; when armed, it cuts both connections the moment the server's answer to a call (a HEADERS frame
// on a stream) comes back, without passing it on. The write has taken effect — the server answers a unary call
// only after the handler finished — but the client never hears of it and has to retry: the lost-reply case
// request ids exist for.
import net from 'node:net';

const FRAME_HEADER = 9;
const HEADERS = 0x1;

export class ReplyDroppingProxy {
  private armed = 0;
  /** replies lost so far. */
  dropped = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<ReplyDroppingProxy> {
    const proxy: { p?: ReplyDroppingProxy } = {};
    const server = net.createServer((client) => proxy.p!.relay(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy.p = new ReplyDroppingProxy(server, (server.address() as net.AddressInfo).port);
    return proxy.p;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The next `count` replies are lost (their connections cut). */
  dropNextReplies(count = 1): void {
    this.armed += count;
  }

  private relay(client: net.Socket, target: { host: string; port: number }): void {
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    // server → client: parse whole frames (the server's side starts with a frame, no preface) to spot replies
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= FRAME_HEADER) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < FRAME_HEADER + length) break;
        const type = pending[3]!;
        const stream = pending.readUInt32BE(5) & 0x7fffffff;
        if (this.armed > 0 && type === HEADERS && stream !== 0) {
          this.armed--;
          this.dropped++;
          cut();
          return;
        }
        client.write(pending.subarray(0, FRAME_HEADER + length));
        pending = pending.subarray(FRAME_HEADER + length);
      }
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
