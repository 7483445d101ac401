// A small durable key-value map kept as a log over the StorageAdapter, for session state (subscriptions, wills,
// retained messages, QoS 2 packet ids, session records). The StorageAdapter only appends and reads, so each put is
// a record (key, value) and each delete a record with an empty value; the map is the last record per key, rebuilt
// by reading the shard at start-up. Writes go through the adapter's group commit, so concurrent puts share a sync.
//
// The shard only grows, so start-up compacts it when most records are dead: the live entries are written to a new
// shard `<base>.<generation+1>`, closed by a marker record, and only then is the old shard deleted. A newest shard
// without its marker is a compaction that crashed half-way: it is dropped and the previous one is used.
import type { Logger } from '@robustmq/common';
import type { StorageAdapter } from '@robustmq/storage-adapter';

const COMPACTED_MARKER = '\u0000compacted';
const READ_BATCH = 1000;
/** compaction runs at start-up when dead records exceed this many and outnumber the live ones. */
const COMPACT_MIN_DEAD = 10_000;

export class StateLog {
  private readonly map = new Map<string, Buffer>();

  private constructor(
    private readonly storage: StorageAdapter,
    private shard: string,
  ) {}

  static async open(storage: StorageAdapter, base: string, logger: Logger): Promise<StateLog> {
    const generations = (await storage.listShards())
      .map((s) => s.name)
      .filter((name) => name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)))
      .map((name) => Number(name.slice(base.length + 1)))
      .sort((a, b) => b - a);
    let chosen: StateLog | undefined;
    let records = 0;
    for (const generation of generations) {
      const log = new StateLog(storage, `${base}.${generation}`);
      const { complete, count } = await log.load();
      if (chosen) {
        // older than the one in use: left over from a compaction that finished
        await storage.deleteShard(log.shard);
      } else if (complete || generation === generations[generations.length - 1]) {
        chosen = log;
        records = count;
      } else {
        logger.warn({ shard: log.shard }, 'dropping an unfinished state compaction');
        await storage.deleteShard(log.shard);
      }
    }
    if (!chosen) {
      chosen = new StateLog(storage, `${base}.0`);
      await storage.createShard(chosen.shard, { maxRecordsPerSegment: 100_000 });
      return chosen;
    }
    const dead = records - chosen.map.size;
    if (dead > COMPACT_MIN_DEAD && dead > chosen.map.size) {
      const generation = Number(chosen.shard.slice(base.length + 1)) + 1;
      await chosen.compactInto(`${base}.${generation}`);
      logger.info({ shard: chosen.shard, live: chosen.map.size, dead }, 'compacted session state');
    }
    return chosen;
  }

  /** The newest complete generation as it is now, read-only: nothing is deleted or compacted (another broker's state,
   * read while that broker is down). */
  static async read(storage: StorageAdapter, base: string): Promise<StateLog | undefined> {
    const generations = (await storage.listShards())
      .map((s) => s.name)
      .filter((name) => name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)))
      .map((name) => Number(name.slice(base.length + 1)))
      .sort((a, b) => b - a);
    for (const generation of generations) {
      const log = new StateLog(storage, `${base}.${generation}`);
      const { complete } = await log.load();
      if (complete || generation === generations[generations.length - 1]) return log;
    }
    return undefined;
  }

  get(key: string): Buffer | undefined {
    return this.map.get(key);
  }

  /** Every live entry whose key starts with `prefix`. */
  *entries(prefix: string): IterableIterator<[string, Buffer]> {
    for (const entry of this.map) if (entry[0].startsWith(prefix)) yield entry;
  }

  /** Sets `key`; readers see it at once, the promise resolves when it is durable (and rejects if it cannot be). */
  put(key: string, value: Buffer): Promise<void> {
    this.map.set(key, value);
    return this.write(key, value);
  }

  delete(key: string): Promise<void> {
    if (!this.map.delete(key)) return Promise.resolve();
    return this.write(key, EMPTY);
  }

  /** Deletes several keys in one append. */
  deleteMany(keys: string[]): Promise<void> {
    const gone = keys.filter((key) => this.map.delete(key));
    if (gone.length === 0) return Promise.resolve();
    return this.storage
      .append(
        this.shard,
        gone.map((key) => ({ key, payload: EMPTY })),
      )
      .then(() => undefined);
  }

  private write(key: string, value: Buffer): Promise<void> {
    return this.storage.append(this.shard, [{ key, payload: value }]).then(() => undefined);
  }

  private async load(): Promise<{ complete: boolean; count: number }> {
    let from = (await this.storage.describeShard(this.shard)).startOffset;
    let complete = false;
    let count = 0;
    for (;;) {
      const records = await this.storage.read(this.shard, from, {
        maxRecords: READ_BATCH,
        maxBytes: 16 * 1024 * 1024,
      });
      if (records.length === 0) return { complete, count };
      for (const record of records) {
        count++;
        const key = record.key;
        if (key === undefined) continue;
        if (key === COMPACTED_MARKER) complete = true;
        else if (record.payload.length === 0) this.map.delete(key);
        else this.map.set(key, record.payload);
      }
      from = records[records.length - 1]!.offset + 1;
    }
  }

  private async compactInto(shard: string): Promise<void> {
    await this.storage.createShard(shard, { maxRecordsPerSegment: 100_000 });
    const entries = [...this.map];
    for (let i = 0; i < entries.length; i += READ_BATCH) {
      await this.storage.append(
        shard,
        entries.slice(i, i + READ_BATCH).map(([key, payload]) => ({ key, payload })),
      );
    }
    await this.storage.append(shard, [{ key: COMPACTED_MARKER, payload: Buffer.from('1') }]);
    const old = this.shard;
    this.shard = shard;
    await this.storage.deleteShard(old);
  }
}

const EMPTY = Buffer.alloc(0);
