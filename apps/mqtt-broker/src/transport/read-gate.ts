// Stopping a TCP connection's reads at once, and starting them again. `pause()` on a net.Socket only stops its 'data'
// events: the stream still asks for more until its buffer holds a high-water mark (16 KiB), so a socket to which the
// peer keeps writing small packets is read again in every round of the poll phase, one read per packet. A broker
// that pauses thousands of publishers because storage is behind (storage/message-log.ts) would still spend its time
// reading all of them. So a TCP socket is stopped at its handle instead (`readStop()`, as Node itself does for sockets
// made with `onread`), and the stream is left flowing: it is waiting for data that the handle no longer reads, so it
// asks for nothing, and `readStart()` lets the data flow again. Other streams (TLS, WebSocket) are paused as streams.
import type { Duplex } from 'node:stream';

interface StreamHandle {
  readStop?: () => number;
  readStart?: () => number;
}

function tcpHandle(stream: Duplex): StreamHandle | undefined {
  const handle = (stream as Duplex & { _handle?: StreamHandle | null })._handle;
  return handle && typeof handle.readStop === 'function' && typeof handle.readStart === 'function'
    ? handle
    : undefined;
}

/** Stops reading `stream`: a TCP socket (`tcp`) at once, at its handle; another stream by pausing it. */
export function stopReading(stream: Duplex, tcp: boolean): void {
  const handle = tcp ? tcpHandle(stream) : undefined;
  if (handle === undefined) {
    stream.pause();
    return;
  }
  const err = handle.readStop!();
  if (err !== 0) stream.destroy(new Error(`could not stop reading the socket (${err})`));
}

/** Reads `stream` again after stopReading. */
export function startReading(stream: Duplex, tcp: boolean): void {
  const handle = tcp ? tcpHandle(stream) : undefined;
  if (handle === undefined) {
    stream.resume();
    return;
  }
  if (stream.destroyed) return;
  const err = handle.readStart!();
  if (err !== 0) stream.destroy(new Error(`could not read the socket again (${err})`));
}
