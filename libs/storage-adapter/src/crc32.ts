// CRC-32 (IEEE 802.3, the zlib/gzip polynomial) for record checksums. Uses zlib.crc32 where Node has it (20.15+,
// 22+) and a table-driven fallback otherwise, so checksums written by either are identical.
import * as zlib from 'node:zlib';

type Crc32Fn = (data: Buffer, initial?: number) => number;

const native = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** the portable implementation; exported so tests can check it against zlib.crc32. */
export function crc32Portable(data: Buffer, initial = 0): number {
  const t = crcTable();
  let crc = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32(data: Buffer): number {
  return native ? native(data) >>> 0 : crc32Portable(data);
}
