// A minimal streaming MQTT frame splitter for the load generator: it reads only the fixed header and the varint
// remaining length, and hands each whole frame to a callback as offsets into the received buffer, so a subscriber
// can count and acknowledge hundreds of thousands of PUBLISH frames a second without decoding them.
// Like mqtt-packet, it never trusts its input: a length is checked before it is used.

/** Called once per whole frame; the body is buf[bodyStart, bodyEnd). The buffer is only valid during the call. */
export type FrameHandler = (
  type: number,
  flags: number,
  buf: Buffer,
  bodyStart: number,
  bodyEnd: number,
) => void;

export class FrameError extends Error {
  readonly code = 'BENCH_BAD_FRAME';
}

/** MQTT packet type numbers (the fixed header's high nibble) the load generator cares about. */
export const PacketType = { CONNACK: 2, PUBLISH: 3, PUBACK: 4, SUBACK: 9 } as const;

export class FrameReader {
  private pending: Buffer | null = null;

  constructor(
    private readonly onFrame: FrameHandler,
    private readonly maxFrameBytes = 1024 * 1024,
  ) {}

  /** Bytes held back because they are the start of a frame not yet complete. */
  get pendingBytes(): number {
    return this.pending ? this.pending.length : 0;
  }

  push(chunk: Buffer): void {
    // Only a frame split across chunks costs a copy; a chunk of whole frames is read in place.
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const length = buf.length;
    let pos = 0;
    while (length - pos >= 2) {
      let remaining = 0;
      let multiplier = 1;
      let i = pos + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < length; n++) {
        const byte = buf[i++]!;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i - pos - 1 >= 4) throw new FrameError('malformed remaining length: more than 4 bytes');
        break; // the length itself is split across chunks
      }
      if (remaining > this.maxFrameBytes) {
        throw new FrameError(`frame of ${remaining} bytes exceeds the ${this.maxFrameBytes}-byte limit`);
      }
      const end = i + remaining;
      if (end > length) break;
      const header = buf[pos]!;
      this.onFrame(header >> 4, header & 0x0f, buf, i, end);
      pos = end;
    }
    this.pending = pos < length ? buf.subarray(pos) : null;
  }
}

/** The QoS of a PUBLISH frame, from its fixed-header flags. */
export function publishQos(flags: number): number {
  return (flags >> 1) & 3;
}

/** Offset of a PUBLISH frame's packet id (QoS > 0) or payload (QoS 0), i.e. just past the topic name (MQTT 3.1.1). */
export function afterTopic(buf: Buffer, bodyStart: number, bodyEnd: number): number {
  if (bodyEnd - bodyStart < 2) throw new FrameError('PUBLISH too short for a topic length');
  const next = bodyStart + 2 + buf.readUInt16BE(bodyStart);
  if (next > bodyEnd) throw new FrameError('PUBLISH topic length runs past the frame');
  return next;
}
