// CRC-32 (IEEE 802.3, the zlib/gzip polynomial) for record checksums. Uses zlib.crc32 where Node has it (20.15+,
// 22+) and a table-driven fallback otherwise, so checksums written by either are identical.
//
// crc32Range() checksums a byte range of a larger buffer (a record inside a batch) without making a view: for the
// ~100-byte records of a batch, creating a subarray plus crossing into native zlib costs ~3x the checksum itself,
// so short ranges run a slicing-by-8 table in JavaScript and only long ones go to zlib.
//
// crc32WithNewPrefix() updates a checksum after the first 8 bytes of the message changed, without reading the rest:
// CRC-32 is affine, so for messages of equal length crc(A) ^ crc(B) is the bare CRC of A ^ B, here 8 changed bytes
// followed by n zero bytes. Pushing a register through n zero bytes is a linear map, tabulated once per n. The
// journal leader uses it to stamp offsets (the first 8 checksummed bytes of a record) into records whose CRC it has
// just verified, so each record's CRC is computed by its producer and only checked after that.
import * as zlib from 'node:zlib';
import { crcSliced, slicingTables } from '../checksum/slicing-by-8.js';

type Crc32Fn = (data: Buffer, initial?: number) => number;

const native = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

/** slicing-by-8 tables of the IEEE polynomial (reflected). */
const TABLES = slicingTables(0xedb88320);

/** below this many bytes the JavaScript loop beats a subarray plus the native call (measured on Node 20, x64). */
const NATIVE_FROM_BYTES = 512;

/** the portable implementation; exported so tests can check it against zlib.crc32. */
export function crc32Portable(data: Buffer, initial = 0): number {
  if (initial !== 0) {
    // continuing a checksum: the bytewise form, which takes any starting value
    const t = TABLES;
    let crc = (initial ^ 0xffffffff) >>> 0;
    for (let i = 0; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }
  return crcSliced(TABLES, data, 0, data.length);
}

export function crc32(data: Buffer): number {
  return native ? native(data) >>> 0 : crc32Portable(data);
}

/** the CRC-32 of data[start, end), identical to crc32(data.subarray(start, end)). */
export function crc32Range(data: Buffer, start: number, end: number): number {
  if (native && end - start >= NATIVE_FROM_BYTES) return native(data.subarray(start, end)) >>> 0;
  return crcSliced(TABLES, data, start, end);
}

/** Z^n as 4 byte-tables: the register after n zero bytes, for each byte of the register before them. */
const zeroTables = new Map<number, Int32Array>();
const MAX_ZERO_TABLES = 256;

function zeroTable(n: number): Int32Array | undefined {
  let z = zeroTables.get(n);
  if (z) return z;
  if (zeroTables.size >= MAX_ZERO_TABLES) return undefined; // many distinct lengths: callers recompute instead
  const basis = new Int32Array(32);
  for (let bit = 0; bit < 32; bit++) {
    let r = 1 << bit;
    for (let i = 0; i < n; i++) r = TABLES[r & 0xff]! ^ (r >>> 8);
    basis[bit] = r;
  }
  z = new Int32Array(1024);
  for (let k = 0; k < 4; k++) {
    for (let v = 1; v < 256; v++) {
      const low = 31 - Math.clz32(v & -v); // lowest set bit of v
      z[k * 256 + v] = z[k * 256 + (v & (v - 1))]! ^ basis[k * 8 + low]!;
    }
  }
  zeroTables.set(n, z);
  return z;
}

/**
 * the CRC-32 of a message after its first 8 bytes were XORed with `deltaHi`:`deltaLo` (big-endian, as a u64 field
 * holds them), given its correct CRC before and the number of bytes after those 8. Undefined when the length has
 * no table (more than MAX_ZERO_TABLES distinct lengths seen): then recompute with crc32Range.
 */
export function crc32WithNewPrefix(
  crc: number,
  deltaHi: number,
  deltaLo: number,
  restLength: number,
): number | undefined {
  const z = zeroTable(restLength);
  if (!z) return undefined;
  const t = TABLES;
  let r = 0;
  r = t[(r ^ (deltaHi >>> 24)) & 0xff]! ^ (r >>> 8);
  r = t[(r ^ (deltaHi >>> 16)) & 0xff]! ^ (r >>> 8);
  r = t[(r ^ (deltaHi >>> 8)) & 0xff]! ^ (r >>> 8);
  r = t[(r ^ deltaHi) & 0xff]! ^ (r >>> 8);
  r = t[(r ^ (deltaLo >>> 24)) & 0xff]! ^ (r >>> 8);
  r = t[(r ^ (deltaLo >>> 16)) & 0xff]! ^ (r >>> 8);
  r = t[(r ^ (deltaLo >>> 8)) & 0xff]! ^ (r >>> 8);
  r = t[(r ^ deltaLo) & 0xff]! ^ (r >>> 8);
  return (
    (crc ^
      z[r & 0xff]! ^
      z[256 + ((r >>> 8) & 0xff)]! ^
      z[512 + ((r >>> 16) & 0xff)]! ^
      z[768 + (r >>> 24)]!) >>>
    0
  );
}
