// A client connection to one journal server's data port: many requests in flight at once (pipelined), answers
// matched by request id, a deadline per request, and every pending request failed with UNAVAILABLE the moment the
// socket breaks — so a caller never waits on a dead peer longer than its deadline. With cluster TLS the connection is
// TLS, the server verified against the cluster CA and this node's certificate presented (the latest one, per dial).
// Without TLS, a data server in this same process is reached through in-memory streams instead (local-link.ts).
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { ClusterTls } from '../tls/cluster-tls.js';
import { dialLocal, type LocalSocket } from './local-link.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  ERROR_TYPE,
  FrameDecoder,
  JOURNAL_MESSAGE,
  JournalError,
  REPLY_FLAG,
  encodeFrame,
  parseBody,
  type Header,
  type JournalErrorCode,
} from './frames.js';

export interface JournalReply {
  header: Header;
  data: Buffer;
}

interface Pending {
  type: number;
  resolve: (reply: JournalReply) => void;
  reject: (err: JournalError) => void;
  timer: NodeJS.Timeout | undefined;
}

export interface JournalConnectionOptions {
  connectTimeoutMs?: number;
  maxFrameBytes?: number;
  /** the cluster secret ([cluster] auth_token), sent in an Auth frame first on every connection. */
  authToken?: string | undefined;
  /** [cluster] tls_*: dial with TLS. */
  tls?: ClusterTls | undefined;
}

export class JournalConnection {
  private socket: Socket | LocalSocket | undefined;
  private connecting: Promise<Socket | LocalSocket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly address: string,
    private readonly options: JournalConnectionOptions = {},
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** sends one request; resolves with the answer or rejects with the server's JournalError (or UNAVAILABLE). */
  async request(
    type: number,
    header: Header,
    data: Buffer | Buffer[] = [],
    timeoutMs = 30_000,
  ): Promise<JournalReply> {
    if (this.closed) throw new JournalError('CLOSED', `connection to ${this.address} is closed`);
    const socket = await this.open();
    return this.send(socket, type, header, data, timeoutMs);
  }

  private send(
    socket: Socket | LocalSocket,
    type: number,
    header: Header,
    data: Buffer | Buffer[],
    timeoutMs: number,
  ): Promise<JournalReply> {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xfffffffe ? 1 : this.nextId + 1;
    return new Promise<JournalReply>((resolve, reject) => {
      const entry: Pending = { type, resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(
            new JournalError(
              'UNAVAILABLE',
              `journal server ${this.address} did not answer within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      const parts = encodeFrame(type, id, header, data);
      // cork so a frame's parts leave in one write instead of one syscall per part
      socket.cork();
      for (const p of parts) socket.write(p);
      socket.uncork();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll('CLOSED', `connection to ${this.address} closed`);
    this.socket?.destroy();
  }

  private open(): Promise<Socket | LocalSocket> {
    if (this.socket) return Promise.resolve(this.socket);
    // a data server in this process (local-link.ts): the same frames through in-memory streams, unless TLS is asked for
    const local = this.options.tls ? undefined : dialLocal(this.address);
    if (local) {
      this.attach(local);
      this.sendAuth(local);
      return Promise.resolve(local);
    }
    this.connecting ??= new Promise<Socket | LocalSocket>((resolve, reject) => {
      const [host, portText] = splitAddress(this.address);
      const { tls } = this.options;
      const socket = tls
        ? connectTls({ host, port: Number(portText), ...tls.clientOptions(host) }).setNoDelay(true)
        : connect({ host, port: Number(portText), noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        fail(new JournalError('UNAVAILABLE', `cannot connect to journal server ${this.address}: timed out`));
      }, this.options.connectTimeoutMs ?? 3_000);
      const fail = (err: JournalError) => {
        clearTimeout(timer);
        this.connecting = undefined;
        reject(err);
      };
      socket.once('error', (err) =>
        fail(
          new JournalError('UNAVAILABLE', `cannot connect to journal server ${this.address}: ${err.message}`),
        ),
      );
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        this.attach(socket);
        this.sendAuth(socket);
        this.connecting = undefined;
        resolve(socket);
      });
    });
    return this.connecting;
  }

  /** written before any request (the server takes a connection's frames in order), so nothing waits for its
   * answer; a refused token shows up as UNAUTHENTICATED on the requests that follow. */
  private sendAuth(socket: Socket | LocalSocket): void {
    if (this.options.authToken)
      this.send(socket, JOURNAL_MESSAGE.Auth, { token: this.options.authToken }, [], 0).catch(
        () => undefined,
      );
  }

  private attach(socket: Socket | LocalSocket): void {
    this.socket = socket;
    const decoder = new FrameDecoder(
      this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES * 2,
      (type, id, body) => this.onFrame(type, id, body),
      (code, message) => {
        this.failAll(code, `bad answer stream from ${this.address}: ${message}`);
        socket.destroy();
      },
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    const broken = (why: string) => {
      if (this.socket === socket) this.socket = undefined;
      this.failAll('UNAVAILABLE', `connection to journal server ${this.address} ${why}`);
    };
    socket.on('error', (err) => broken(`failed: ${err.message}`));
    socket.on('close', () => broken('closed'));
  }

  private onFrame(type: number, id: number, body: Buffer): void {
    const entry = this.pending.get(id);
    let parsed: { header: Header; data: Buffer };
    try {
      parsed = parseBody(body);
    } catch (err) {
      if (!entry) return;
      this.pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(err as JournalError);
      return;
    }
    if (!entry) return; // timed out already, or an unsolicited error (id 0) before the server closes
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (type === ERROR_TYPE) {
      const { code, message, ...details } = parsed.header;
      entry.reject(new JournalError(code as JournalErrorCode, String(message), details));
    } else if (type !== (entry.type | REPLY_FLAG)) {
      entry.reject(
        new JournalError('BAD_FRAME', `answer of type ${type} to a request of type ${entry.type}`),
      );
    } else {
      entry.resolve(parsed);
    }
  }

  private failAll(code: JournalErrorCode, message: string): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const e of entries) {
      clearTimeout(e.timer);
      e.reject(new JournalError(code, message));
    }
  }
}

/** "host:port" (IPv6 hosts in brackets) → [host, port]. */
export function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  if (i <= 0) throw new JournalError('BAD_REQUEST', `address "${address}" is not host:port`);
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), address.slice(i + 1)];
}

/** one lazily opened connection per address, replaced when it was closed. */
export class JournalConnectionPool {
  private readonly connections = new Map<string, JournalConnection>();
  constructor(private readonly options: JournalConnectionOptions = {}) {}

  get(address: string): JournalConnection {
    let c = this.connections.get(address);
    if (!c || c.isClosed) {
      c = new JournalConnection(address, this.options);
      this.connections.set(address, c);
    }
    return c;
  }

  /** drops a connection after a transport failure so the next request dials again. */
  reset(address: string): void {
    this.connections.get(address)?.close();
    this.connections.delete(address);
  }

  closeAll(): void {
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }
}
