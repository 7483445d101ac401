// A journal connection to a data server in the same process, without TCP. The quick start (`robustmq start`) runs
// the broker and the journal server in one process; over loopback TCP every append and every long-poll answer cost
// both sides a socket write, an epoll wake-up and a socket read, each a turn of the one event loop. A data server
// started without TLS registers its advertised address here (data-server.ts), and a JournalConnection to that address
// gets a pair of in-memory streams instead (connection.ts): the same frames, the same Auth frame and handlers, the
// same close and failure behaviour (destroying one side closes the other), only no syscalls. Each write is copied,
// as the kernel would, so neither side sees the other reuse a buffer.
import { Duplex } from 'node:stream';

/** what a data server does with a new connection (its `onConnection`, given the server's side of the pair). */
export type LocalAccept = (serverSide: LocalSocket) => void;

/** the part of a net.Socket both ends of a journal connection use. */
export type LocalSocket = Duplex & { remoteAddress?: string | undefined };

const servers = new Map<string, LocalAccept>();

/** makes `address` ("host:port") reachable in this process; returns the function that undoes it. */
export function registerLocalDataServer(address: string, accept: LocalAccept): () => void {
  servers.set(address, accept);
  return () => {
    if (servers.get(address) === accept) servers.delete(address);
  };
}

/** the client's side of a new link to the data server registered at `address`, or undefined when there is none. */
export function dialLocal(address: string): LocalSocket | undefined {
  const accept = servers.get(address);
  if (!accept) return undefined;
  const [client, server] = localPair();
  accept(server);
  return client;
}

class LocalEnd extends Duplex {
  peer!: LocalEnd;
  readonly remoteAddress = 'in-process';
  /** chunks written in this tick, handed to the peer together on the next tick (like one segment on the wire). */
  private outgoing: Buffer[] = [];

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.queue(chunk);
    callback();
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (err?: Error | null) => void,
  ): void {
    for (const c of chunks) this.queue(c.chunk);
    callback();
  }

  private queue(chunk: Buffer): void {
    if (this.outgoing.length === 0) process.nextTick(() => this.deliver());
    this.outgoing.push(chunk);
  }

  private deliver(): void {
    const parts = this.outgoing;
    this.outgoing = [];
    if (this.peer.destroyed || parts.length === 0) return;
    // a copy, as a socket's would be: the reader may keep slices of it while the writer reuses its buffers
    this.peer.push(Buffer.concat(parts));
  }

  override _final(callback: (err?: Error | null) => void): void {
    // after what was written: the peer reads to the end, then sees it
    process.nextTick(() => {
      this.deliver();
      if (!this.peer.destroyed) this.peer.push(null);
    });
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.outgoing = [];
    if (!this.peer.destroyed) this.peer.destroy();
    callback(err);
  }
}

function localPair(): [LocalEnd, LocalEnd] {
  // allowHalfOpen false: an end that reads the peer's end closes itself, as a socket does
  const a = new LocalEnd({ allowHalfOpen: false });
  const b = new LocalEnd({ allowHalfOpen: false });
  a.peer = b;
  b.peer = a;
  return [a, b];
}
