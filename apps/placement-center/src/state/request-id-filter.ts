// A memory-bounded "have we possibly seen this request id?" test for the apply path. Every write carries a request id
// and almost every id is new, so asking RocksDB about each one put a thread-pool round trip (two wake-ups) into every
// write's latency. A Bloom filter answers "certainly new" from memory; only a "maybe" (a real retry, or a false
// positive ~1 % of the time) reads the remembered result from disk. The filter must stay a superset of the ids the
// engine remembers: ids are added before their batch is written, and a generation is dropped only once every id
// in it is older than the engine's own window (DEDUP_WINDOW log indexes, forgotten in steps of 1,000).

/** One slice of the window: the ids applied at log indexes [first, last]. */
interface Generation {
  first: number;
  last: number;
  count: number;
  bits: Uint32Array;
}

const BITS = 1 << 20; // 128 KiB per generation
const HASHES = 5;
/** ~0.8 % false positives at this many ids per generation (1 − e^(−k·n/m))^k. */
const CAPACITY = 100_000;
/** Log indexes per generation, so old generations can be dropped as the window slides. */
const SPAN = 10_000;

export class RequestIdFilter {
  private generations: Generation[] = [];

  /** `window`: log indexes an id stays remembered on disk; `slack`: how late the disk may forget (its step). */
  constructor(
    private readonly window: number,
    private readonly slack: number,
  ) {}

  add(id: string, index: number): void {
    let g = this.generations[this.generations.length - 1];
    if (!g || g.count >= CAPACITY || index - g.first >= SPAN) {
      g = { first: index, last: index, count: 0, bits: new Uint32Array(BITS / 32) };
      this.generations.push(g);
    }
    if (index > g.last) g.last = index;
    g.count++;
    const [h1, h2] = hashes(id);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) & (BITS - 1);
      g.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** false: the id was certainly never added (within the window); true: it may have been. */
  mightContain(id: string): boolean {
    if (this.generations.length === 0) return false;
    const [h1, h2] = hashes(id);
    for (const g of this.generations) {
      let all = true;
      for (let i = 0; i < HASHES && all; i++) {
        const bit = (h1 + i * h2) & (BITS - 1);
        all = (g.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }

  /** Drops generations whose every id the engine has already forgotten at applied index `applied`. */
  forgetBefore(applied: number): void {
    const horizon = applied - this.window - this.slack;
    while (this.generations.length > 1 && this.generations[0]!.last < horizon) this.generations.shift();
  }

  clear(): void {
    this.generations = [];
  }
}

/** Two independent 32-bit FNV-1a style hashes of the id's UTF-16 code units (double hashing gives the k probes). */
function hashes(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // an odd step visits distinct bits for every probe
  return [a >>> 0, (b | 1) >>> 0];
}
