// Load for the journal's failover tests: producers appending batches of 50 records to a shard until stopped, keeping
// every acknowledged record by offset, and a full read of the shard to check each acknowledged record is there.
import type { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { expect } from 'vitest';

export interface Producers {
  /** acknowledged records: offset → payload. */
  readonly acked: Map<number, string>;
  /** appends that failed (not acknowledged: may or may not be stored, and are not checked). */
  readonly failures: number;
  /** Stops the producers and waits for their last appends (at most `timeoutMs`: an append may wait out its timeout). */
  stop(timeoutMs?: number): Promise<void>;
}

export function startProducers(adapter: JournalStorageAdapter, shard: string, count = 4): Producers {
  const acked = new Map<number, string>();
  let failures = 0;
  let stopped = false;
  const producer = async (p: number) => {
    for (let n = 0; !stopped; n++) {
      const texts = Array.from({ length: 50 }, (_, i) => `${p}:${n}:${i}`);
      try {
        const offsets = await adapter.append(
          shard,
          texts.map((t) => ({ payload: Buffer.from(t) })),
        );
        offsets.forEach((o, i) => acked.set(o, texts[i]!));
      } catch {
        failures++;
      }
    }
  };
  const running = Array.from({ length: count }, (_, p) => producer(p));
  return {
    acked,
    get failures() {
      return failures;
    },
    async stop(timeoutMs = Infinity) {
      stopped = true;
      const all = Promise.all(running);
      await (Number.isFinite(timeoutMs)
        ? Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs))])
        : all);
    },
  };
}

/** Every payload of the shard in offset order, checking the offsets are dense from 0. */
export async function readAll(adapter: JournalStorageAdapter, shard: string): Promise<string[]> {
  const { nextOffset } = await adapter.describeShard(shard);
  const all: string[] = [];
  while (all.length < nextOffset) {
    const got = await adapter.read(shard, all.length, { maxRecords: 5_000, maxBytes: 4 << 20 });
    expect(got.length, `read from ${all.length} of ${nextOffset}`).toBeGreaterThan(0);
    for (const r of got) {
      expect(r.offset).toBe(all.length);
      all.push(r.payload.toString());
    }
  }
  return all;
}
