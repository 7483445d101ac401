// The record batch compression codecs (attributes bits 0-2): gzip through node's zlib, snappy (with the xerial
// framing the Java client and kafka-python write, and raw snappy as librdkafka writes), lz4 (the LZ4 frame format,
// KIP-57) and zstd, through maintained native packages: `snappy` and `lz4-napi` (napi-rs) and `zstd-napi` (the zstd
// library's bindings; node 20 has no zstd of its own).
//
// The native packages are loaded on first use, not at import: a machine where one of them has no binary (an image
// built with --ignore-scripts leaves zstd-napi uncompiled) still runs everything else, and a batch in that codec is
// refused as an unsupported compression type instead of the process failing to start.
//
// Decompression is bounded: `maxBytes` is what the caller allows a batch to expand to, checked from the codec's own
// size header before decompressing where the format has one (snappy, zstd frames that carry a content size) and by
// zlib's output limit for gzip; an lz4 frame or zstd frame without a size is decompressed and then measured.
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { KafkaDecodeError, KafkaReader } from './wire.js';

interface NativeCodecs {
  snappy: {
    compressSync(data: Buffer): Buffer;
    uncompressSync(data: Buffer, options: { asBuffer: true }): Buffer | string;
  };
  lz4: { compressFrameSync(data: Buffer): Buffer; decompressFrameSync(data: Buffer): Buffer };
  zstd: { compress(data: Buffer): Buffer; decompress(data: Buffer): Buffer };
}

const requireNative = createRequire(import.meta.url);
const PACKAGES: Record<keyof NativeCodecs, string> = { snappy: 'snappy', lz4: 'lz4-napi', zstd: 'zstd-napi' };
const loaded: Partial<NativeCodecs> = {};

function native<K extends keyof NativeCodecs>(name: K): NativeCodecs[K] {
  const cached = loaded[name];
  if (cached) return cached as NativeCodecs[K];
  try {
    const codec = requireNative(PACKAGES[name]) as NativeCodecs[K];
    loaded[name] = codec;
    return codec;
  } catch (err) {
    throw new UnavailableCodecError(
      `${name} compression is not available on this machine (package ${PACKAGES[name]} did not load: ${(err as Error).message})`,
    );
  }
}

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof Compression;
export const COMPRESSION_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** the error an unknown codec id or corrupt data is reported as. */
export class CompressionError extends KafkaDecodeError {}
/** a codec this process cannot run (its native package is missing): Kafka's UNSUPPORTED_COMPRESSION_TYPE. */
export class UnavailableCodecError extends CompressionError {}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function tooLarge(codec: string, size: number, max: number): CompressionError {
  return new CompressionError(`${codec} data expands to ${size} bytes, more than the ${max} allowed`);
}

function snappyBlock(data: Buffer, max: number): Buffer {
  // a raw snappy block starts with its uncompressed length as an unsigned varint
  const declared = new KafkaReader(data).uvarint();
  if (declared > max) throw tooLarge('snappy', declared, max);
  return native('snappy').uncompressSync(data, { asBuffer: true }) as Buffer;
}

function snappyDecode(data: Buffer, max: number): Buffer {
  if (data.length < 16 || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return snappyBlock(data, max);
  // xerial framing: 8-byte magic, int32 version, int32 compatible version, then (int32 length, snappy block)*
  const parts: Buffer[] = [];
  let total = 0;
  let at = 16;
  while (at < data.length) {
    if (at + 4 > data.length) throw new CompressionError('truncated xerial snappy block length');
    const n = data.readInt32BE(at);
    at += 4;
    if (n < 0 || at + n > data.length) throw new CompressionError('xerial snappy block runs past the end');
    const block = snappyBlock(data.subarray(at, at + n), max - total);
    total += block.length;
    parts.push(block);
    at += n;
  }
  return Buffer.concat(parts, total);
}

function zstdContentSize(data: Buffer): number | undefined {
  // frame header (RFC 8878 3.1.1.1): magic, descriptor; the content size field follows the window descriptor and dict id
  if (data.length < 6 || data.readUInt32LE(0) !== 0xfd2fb528) return undefined;
  const fhd = data[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  const dictFlag = fhd & 3;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return undefined;
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][dictFlag]!;
  if (at + fcsBytes > data.length) return undefined;
  switch (fcsBytes) {
    case 1:
      return data[at]!;
    case 2:
      return data.readUInt16LE(at) + 256;
    case 4:
      return data.readUInt32LE(at);
    default:
      return Number(data.readBigUInt64LE(at));
  }
}

/** Decompresses records compressed with codec `id` (1-4); at most `maxBytes` of output. */
export function decompress(id: number, data: Buffer, maxBytes: number): Buffer {
  let out: Buffer;
  try {
    switch (id) {
      case Compression.none:
        return data;
      case Compression.gzip:
        return gunzipSync(data, { maxOutputLength: maxBytes });
      case Compression.snappy:
        return snappyDecode(data, maxBytes);
      case Compression.lz4:
        out = native('lz4').decompressFrameSync(data);
        break;
      case Compression.zstd: {
        const size = zstdContentSize(data);
        if (size !== undefined && size > maxBytes) throw tooLarge('zstd', size, maxBytes);
        out = native('zstd').decompress(data);
        break;
      }
      default:
        throw new UnavailableCodecError(`unknown compression codec ${id}`);
    }
  } catch (err) {
    if (err instanceof CompressionError) throw err;
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge('gzip', maxBytes + 1, maxBytes);
    throw new CompressionError(`corrupt ${COMPRESSION_NAMES[id] ?? id} data: ${(err as Error).message}`);
  }
  if (out.length > maxBytes) throw tooLarge(COMPRESSION_NAMES[id]!, out.length, maxBytes);
  return out;
}

/** Compresses with codec `id` (snappy in xerial framing, which every client reads). */
export function compress(id: number, data: Buffer): Buffer {
  switch (id) {
    case Compression.none:
      return data;
    case Compression.gzip:
      return gzipSync(data);
    case Compression.snappy: {
      const block = native('snappy').compressSync(data);
      const head = Buffer.alloc(20);
      XERIAL_MAGIC.copy(head, 0);
      head.writeInt32BE(1, 8);
      head.writeInt32BE(1, 12);
      head.writeInt32BE(block.length, 16);
      return Buffer.concat([head, block]);
    }
    case Compression.lz4:
      return native('lz4').compressFrameSync(data);
    case Compression.zstd:
      return native('zstd').compress(data);
    default:
      throw new CompressionError(`unknown compression codec ${id}`);
  }
}
