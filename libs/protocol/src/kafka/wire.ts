// The Kafka protocol's primitive types (https://kafka.apache.org/protocol#protocol_types): fixed-width big-endian
// integers, the zig-zag varints of record batches, the unsigned varints of flexible versions, and the classic and
// compact forms of strings, bytes and arrays. The reader never trusts its input: every length is checked against what
// is left of the buffer before it is used, so a lying length is a KafkaDecodeError, never a huge allocation.

/** Input that does not parse as the protocol says (Kafka's CORRUPT_MESSAGE / INVALID_REQUEST territory). */
export class KafkaDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaDecodeError';
  }
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export class KafkaReader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    /** one past the last byte this reader may read. */
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.offset + n > this.end) {
      throw new KafkaDecodeError(
        `truncated input: ${what} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`,
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.offset++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** int64 as a JS number: Kafka's offsets, timestamps and ids stay far below 2^53. */
  int64(): number {
    this.need(8, 'int64');
    const v = Number(this.buf.readBigInt64BE(this.offset));
    this.offset += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  uuid(): string {
    this.need(16, 'uuid');
    const hex = this.buf.toString('hex', this.offset, this.offset + 16);
    this.offset += 16;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** unsigned LEB128, at most 5 bytes (32 bits), as flexible versions use for lengths and tags. */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1, 'varint');
      const b = this.buf[this.offset++]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new KafkaDecodeError('unsigned varint above 2^32');
        return value;
      }
    }
    throw new KafkaDecodeError('unsigned varint longer than 5 bytes');
  }

  /** zig-zag signed varint (32 bits), as record fields use. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** zig-zag signed varlong (64 bits, returned as a number: record timestamps and offsets deltas fit). */
  varlong(): number {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1, 'varlong');
      const b = this.buf[this.offset++]!;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number((value >> 1n) ^ -(value & 1n));
    }
    throw new KafkaDecodeError('varlong longer than 10 bytes');
  }

  bytesOf(n: number, what: string): Buffer {
    this.need(n, what);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  /** a length: `compact` = uvarint N+1 (0 = null), else int16/int32 N (-1 = null). Null is -1. */
  private length(compact: boolean, wide: boolean): number {
    if (compact) return this.uvarint() - 1;
    const n = wide ? this.int32() : this.int16();
    return n < -1 ? -1 : n;
  }

  string(compact: boolean): string | null {
    const n = this.length(compact, false);
    if (n < 0) return null;
    return this.bytesOf(n, 'string').toString('utf8');
  }

  bytes(compact: boolean): Buffer | null {
    const n = this.length(compact, true);
    if (n < 0) return null;
    return this.bytesOf(n, 'bytes');
  }

  /** an array's element count (-1 = null), checked against what is left: every element takes at least one byte. */
  arrayLength(compact: boolean): number {
    const n = this.length(compact, true);
    if (n > this.remaining) throw new KafkaDecodeError(`array of ${n} elements in ${this.remaining} bytes`);
    return n;
  }

  skip(n: number): void {
    this.need(n, 'skipped field');
    this.offset += n;
  }
}

/** A growing output buffer. */
export class KafkaWriter {
  private buf: Buffer;
  offset = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.offset + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.offset + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  /** the bytes written so far (a view, valid until the next write). */
  result(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.offset++);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.offset);
    this.offset += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.offset);
    this.offset += 4;
    return this;
  }

  int64(v: number | bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt(v), this.offset);
    this.offset += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.offset);
    this.offset += 8;
    return this;
  }

  uuid(v: string): this {
    const hex = v.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a UUID: ${v}`);
    return this.raw(Buffer.from(hex, 'hex'));
  }

  uvarint(v: number): this {
    this.ensure(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.offset++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.offset++] = n;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varlong(v: number): this {
    this.ensure(10);
    const big = BigInt(v);
    let n = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n));
    while (n >= 0x80n) {
      this.buf[this.offset++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.offset++] = Number(n);
    return this;
  }

  raw(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.offset);
    this.offset += b.length;
    return this;
  }

  private length(n: number, compact: boolean, wide: boolean): this {
    if (compact) return this.uvarint(n + 1);
    return wide ? this.int32(n) : this.int16(n);
  }

  string(v: string | null, compact: boolean): this {
    if (v === null) return this.length(-1, compact, false);
    const b = Buffer.from(v, 'utf8');
    if (!compact && b.length > 0x7fff)
      throw new RangeError(`string of ${b.length} bytes is longer than an int16 length allows`);
    return this.length(b.length, compact, false).raw(b);
  }

  bytes(v: Buffer | null, compact: boolean): this {
    if (v === null) return this.length(-1, compact, true);
    return this.length(v.length, compact, true).raw(v);
  }

  arrayLength(n: number, compact: boolean): this {
    return this.length(n, compact, true);
  }

  /** writes a placeholder int32 and returns a function that fills it with the bytes written since. */
  sizePrefix(): () => void {
    const at = this.offset;
    this.int32(0);
    return () => this.buf.writeInt32BE(this.offset - at - 4, at);
  }
}
