// Table-driven CRC-32 of any reflected polynomial, eight bytes a step ("slicing-by-8", Intel's 2006 method): the
// journal's record CRC-32 (IEEE) and Kafka's batch CRC-32C (Castagnoli) differ only in the polynomial, so both run
// this one loop over their own tables.

/** 8 tables of 256 for a reflected polynomial: table k maps a byte to its CRC contribution k bytes further on. */
export function slicingTables(polynomial: number): Int32Array {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/** The CRC of data[start, end) with `t` = slicingTables(polynomial): initial register all ones, final complement. */
export function crcSliced(t: Int32Array, data: Uint8Array, start: number, end: number): number {
  let c = -1;
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    const a = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < end; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
