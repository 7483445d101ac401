// Write coalescing for a connection's byte stream, the same for any protocol: everything written to a stream while
// the current I/O callbacks run (every message routed to it, every acknowledgement that became ready) goes to the
// stream as one write in the check phase right after, instead of one syscall per packet. One setImmediate serves
// every stream with bytes waiting.
import type { Writable } from 'node:stream';

/** writers with bytes waiting for the end of this turn, and whether the flush is scheduled. */
const unflushed: CoalescingWriter[] = [];
let flushScheduled = false;
/** bytes waiting in all writers together. */
let unflushedBytes = 0;
/**
 * Past these, the waiting bytes go out now instead of at the end of the turn. The check phase comes only after the
 * poll phase, and libuv's poll phase reads every readable socket (up to ~48 × 1024 events) before it ends: with
 * thousands of clients sending at once, a broker would read and accept everything they sent — hundreds of
 * thousands of messages — before a single acknowledgement or delivery left (issue 16, fan-in of 10,000
 * publishers). Bounding what waits keeps output flowing while the input is read.
 */
const MAX_UNFLUSHED_BYTES = 256 * 1024;
const MAX_UNFLUSHED_WRITERS = 2048;

function flushAll(): void {
  flushScheduled = false;
  unflushedBytes = 0;
  // a flush can run code that writes again (never in practice: socket.write is synchronous up to the kernel), so
  // take the list as it is now
  const writers = unflushed.splice(0);
  for (const writer of writers) writer.flush();
}

/** Writes out what waits now (the scheduled flush then finds nothing, or what was written after this). */
function flushWaiting(): void {
  unflushedBytes = 0;
  const writers = unflushed.splice(0);
  for (const writer of writers) writer.flush();
}

export class CoalescingWriter {
  /** bytes waiting for the end of this turn; undefined while none are (an idle connection holds no array). */
  private out: Buffer[] | undefined;
  private outBytes = 0;

  /** `stream`: where the bytes go; a subclass (a protocol's connection) may read it rather than keep a copy. */
  constructor(protected readonly stream: Writable) {}

  /** bytes written this turn, not yet handed to the stream. */
  get pendingBytes(): number {
    return this.outBytes;
  }

  /** Queues bytes; they go to the stream together with everything else written in this turn. */
  write(bytes: Buffer): void {
    if (this.out === undefined) {
      this.out = [bytes];
      unflushed.push(this);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushAll);
      }
    } else {
      this.out.push(bytes);
    }
    this.outBytes += bytes.length;
    unflushedBytes += bytes.length;
    if (unflushedBytes >= MAX_UNFLUSHED_BYTES || unflushed.length >= MAX_UNFLUSHED_WRITERS) flushWaiting();
  }

  /** Hands the bytes written this turn to the stream now, as one write. */
  flush(): void {
    const out = this.out;
    if (out === undefined) return;
    const bytes = out.length === 1 ? out[0]! : Buffer.concat(out, this.outBytes);
    this.out = undefined;
    this.outBytes = 0;
    if (!this.stream.destroyed) this.stream.write(bytes);
  }

  /** Drops what was not flushed (the stream is gone). */
  discard(): void {
    this.out = undefined;
    this.outBytes = 0;
  }
}
