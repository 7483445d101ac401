// TCP quick acknowledgements (Linux TCP_QUICKACK) for a server whose replies wait for a disk.
//
// A client that leaves Nagle's algorithm on (MQTT.js does, like most clients that never call setNoDelay) holds each
// small write while an earlier one is not yet acknowledged at the TCP level. Linux acknowledges the data of a
// request-response connection late (a delayed ACK, 20-200 ms), expecting to carry the acknowledgement on the reply —
// but a broker's PUBACK waits for a durable append (an fdatasync, or a quorum's), so the client's next PUBLISH sat in
// its own socket until that reply: such a client sent one batch per commit, each message waiting for the previous
// batch's commit before its own began (loopback, a reply 3 ms after each read, a write every 0.5 ms: arrival delay p50
// 1.2-1.7 ms, p99 7-30 ms; with TCP_QUICKACK set after each read p50 0.05, p99 0.2-5 ms; a TCP_NODELAY client 0.04 /
// 0.3 ms). TCP_QUICKACK sends the pending acknowledgement at once and leaves "ping-pong" mode, which the next reply
// re-enters, so a server sets it again after each read whose reply is still owed.
//
// Node has no setsockopt: libc's is called through koffi (an FFI library that ships prebuilt binaries) where it loads.
// Elsewhere (not Linux, koffi not installed or not loadable) quickAck() does nothing and says so.
import { createRequire } from 'node:module';

const IPPROTO_TCP = 6;
const TCP_QUICKACK = 12;
/** the option's value, an int passed by pointer. */
const ON = [1];

type SetSockOpt = (fd: number, level: number, name: number, value: number[], length: number) => number;

/** undefined: not tried yet; null: not available here. */
let setsockopt: SetSockOpt | null | undefined;

function load(): SetSockOpt | null {
  if (setsockopt !== undefined) return setsockopt;
  setsockopt = null;
  if (process.platform !== 'linux') return null;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as {
      load(path: string): { func(declaration: string): SetSockOpt };
    };
    setsockopt = koffi
      .load('libc.so.6')
      .func('int setsockopt(int fd, int level, int name, _In_ int *value, uint32_t length)');
  } catch {
    setsockopt = null;
  }
  return setsockopt;
}

/** Whether quickAck() can work in this process (Linux, with koffi loadable). */
export function quickAckAvailable(): boolean {
  return load() !== null;
}

/**
 * Sends the socket's pending TCP acknowledgement now and leaves delayed-ACK ("ping-pong") mode until the socket's
 * next reply. `socket`: a net.Socket or tls.TLSSocket (anything whose handle has a file descriptor). False when it
 * could not be set: not available here (quickAckAvailable), no descriptor (a closed socket), or setsockopt failed.
 */
export function quickAck(socket: unknown): boolean {
  const set = setsockopt === undefined ? load() : setsockopt;
  if (set === null) return false;
  const fd = (socket as { _handle?: { fd?: unknown } } | undefined)?._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return false;
  return set(fd, IPPROTO_TCP, TCP_QUICKACK, ON, 4) === 0;
}
