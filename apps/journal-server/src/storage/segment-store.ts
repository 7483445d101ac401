// Every segment replica this journal server holds (each a LocalSegment: its file, indexes and write/read state):
// opens and recovers them all at start, creates new ones, finds them, deletes them (retention, shard deletion) and
// closes them with the RocksDB that holds their indexes and metadata.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RocksDbEngine, type KvEngine, type Logger } from '@robustmq/common';
import { metaKey, pad, segKey } from './index-keys.js';
import { LocalSegment, type ReplicaMeta } from './local-segment.js';
import { MetaWriteOrder } from './meta-write-order.js';
import { SegmentFile } from './segment-file.js';

export interface SegmentStoreOptions {
  /** [storage] overlap_syncs: a second fdatasync may start while one runs (LocalSegment.sync). */
  overlapSyncs?: boolean;
  /** [storage] preallocate_bytes: zeros written ahead of a segment file's data (segment-file.ts); 0 = none. */
  preallocateBytes?: number;
}

export class SegmentStore {
  private readonly segments = new Map<string, LocalSegment>();
  /** per segment key, in order: kept here rather than on the segment so that a deleted segment's last writes and a
   * re-created one's first stay in order too. */
  private readonly metaWrites = new MetaWriteOrder();

  private constructor(
    private readonly dir: string,
    readonly db: KvEngine,
    private readonly logger: Logger,
    private readonly options: SegmentStoreOptions,
  ) {}

  static async open(
    dataDir: string,
    logger: Logger,
    options: SegmentStoreOptions = {},
  ): Promise<SegmentStore> {
    await mkdir(join(dataDir, 'segments'), { recursive: true });
    const db = await RocksDbEngine.open(join(dataDir, 'index'));
    const store = new SegmentStore(dataDir, db, logger, options);
    try {
      for await (const [, value] of db.scan({ prefix: 'm/' })) {
        const meta = JSON.parse(value.toString('utf8')) as ReplicaMeta;
        await store.load(meta);
      }
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  get(namespace: string, shard: string, seq: number): LocalSegment | undefined {
    return this.segments.get(segKey(namespace, shard, seq));
  }

  list(): LocalSegment[] {
    return [...this.segments.values()];
  }

  /** creates an empty local replica, or returns the existing one. */
  async create(meta: Omit<ReplicaMeta, 'epochs' | 'sealedEnd' | 'createdAtMs'>): Promise<LocalSegment> {
    const existing = this.get(meta.namespace, meta.shard, meta.seq);
    if (existing) return existing;
    const full: ReplicaMeta = { ...meta, epochs: [], sealedEnd: null, createdAtMs: Date.now() };
    const key = segKey(meta.namespace, meta.shard, meta.seq);
    await this.metaWrites.run(key, () => this.db.put(metaKey(key), JSON.stringify(full)));
    return this.load(full);
  }

  private filePath(meta: ReplicaMeta): string {
    const safe = (s: string) => encodeURIComponent(s).replace(/\./g, '%2E');
    return join(this.dir, 'segments', safe(meta.namespace), safe(meta.shard), `${pad(meta.seq)}.log`);
  }

  private async load(meta: ReplicaMeta): Promise<LocalSegment> {
    const key = segKey(meta.namespace, meta.shard, meta.seq);
    const path = this.filePath(meta);
    await mkdir(dirname(path), { recursive: true });
    const file = await SegmentFile.open(path, this.options.preallocateBytes ?? 0);
    const seg = new LocalSegment(
      key,
      meta,
      file,
      this.db,
      this.metaWrites,
      this.logger,
      this.options.overlapSyncs === true,
    );
    await seg.recover();
    this.segments.set(key, seg);
    return seg;
  }

  /** forgets the replica and removes its file, indexes and metadata. */
  async delete(seg: LocalSegment): Promise<void> {
    this.segments.delete(seg.key);
    await seg.remove();
  }

  async close(): Promise<void> {
    for (const seg of this.segments.values()) await seg.close().catch(() => {});
    this.segments.clear();
    await this.db.close();
  }
}
