// Durable Raft storage on our KvEngine (RocksDB): hard state, log entries and the latest snapshot under
//   raft/<group>/hs            JSON hard state
//   raft/<group>/snap          JSON snapshot metadata;  raft/<group>/snapdata  snapshot bytes
//   raft/<group>/e/<be64 idx>  entry: u8 type (0 normal, 1 conf change), be64 term, data
// Reads are served from an in-memory MemoryStorage mirror (the core is synchronous); `persist` writes a Ready's
// state in one engine batch (fsynced when the Ready says so) and only then updates the mirror.
import type { BatchOp, KvEngine } from '@robustmq/common';
import { MemoryStorage } from '../memory-storage.js';
import type { Ready } from '../ready.js';
import type { Storage } from '../storage.js';
import type { ConfState, Entry, HardState, Snapshot } from '../types.js';
import { EMPTY_HARD_STATE } from '../types.js';

function be64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

function encodeEntry(e: Entry): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt8(e.type === 'confChange' ? 1 : 0, 0);
  header.writeBigUInt64BE(BigInt(e.term), 1);
  return Buffer.concat([header, e.data]);
}

function decodeEntry(index: number, b: Buffer): Entry {
  return { index, term: Number(b.readBigUInt64BE(1)), type: b.readUInt8(0) === 1 ? 'confChange' : 'normal', data: new Uint8Array(b.subarray(9)) };
}

export class RocksDbRaftStorage implements Storage {
  private readonly mem: MemoryStorage;
  private readonly prefix: string;

  private constructor(
    private readonly engine: KvEngine,
    group: string,
    mem: MemoryStorage,
  ) {
    this.prefix = `raft/${group}/`;
    this.mem = mem;
  }

  private key(name: string): string {
    return this.prefix + name;
  }

  private entryKey(index: number): Buffer {
    return Buffer.concat([Buffer.from(this.prefix + 'e/'), be64(index)]);
  }

  /**
   * Opens (or creates) the storage of one group. `bootstrap` is the initial membership of a brand-new cluster; it
   * is used only when nothing is stored yet.
   */
  static async open(engine: KvEngine, group: string, bootstrap?: ConfState): Promise<RocksDbRaftStorage> {
    const prefix = `raft/${group}/`;
    const snapMeta = await engine.get(prefix + 'snap');
    let mem: MemoryStorage;
    if (snapMeta) {
      const metadata = JSON.parse(snapMeta.toString()) as Snapshot['metadata'];
      const data = (await engine.get(prefix + 'snapdata')) ?? Buffer.alloc(0);
      mem = new MemoryStorage(metadata.index === 0 ? metadata.confState : undefined);
      if (metadata.index > 0) mem.applySnapshot({ metadata, data: new Uint8Array(data) });
    } else {
      mem = new MemoryStorage(bootstrap);
      if (bootstrap) {
        await engine.put(prefix + 'snap', JSON.stringify({ index: 0, term: 0, confState: bootstrap }), { sync: true });
      }
    }
    const hs = await engine.get(prefix + 'hs');
    mem.setHardState(hs ? (JSON.parse(hs.toString()) as HardState) : EMPTY_HARD_STATE);
    const entries: Entry[] = [];
    const first = mem.firstIndex();
    for await (const [key, value] of engine.scan({ prefix: prefix + 'e/' })) {
      const index = Number(key.readBigUInt64BE(key.length - 8));
      if (index < first) continue; // compacted but not yet deleted (a crash between the two writes)
      entries.push(decodeEntry(index, value));
    }
    mem.append(entries);
    return new RocksDbRaftStorage(engine, group, mem);
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return this.mem.initialState();
  }
  entries(lo: number, hi: number, maxBytes?: number): Entry[] {
    return this.mem.entries(lo, hi, maxBytes);
  }
  term(index: number): number {
    return this.mem.term(index);
  }
  firstIndex(): number {
    return this.mem.firstIndex();
  }
  lastIndex(): number {
    return this.mem.lastIndex();
  }
  snapshot(): Snapshot {
    return this.mem.snapshot();
  }

  /** Writes a Ready's snapshot, entries and hard state atomically (synced if required), then mirrors them. */
  async persist(ready: Pick<Ready, 'snapshot' | 'entries' | 'hardState' | 'mustSync'>): Promise<void> {
    const ops: BatchOp[] = [];
    let lastBefore = this.mem.lastIndex();
    if (ready.snapshot) {
      const { metadata, data } = ready.snapshot;
      ops.push({ type: 'put', key: this.key('snap'), value: JSON.stringify(metadata) });
      ops.push({ type: 'put', key: this.key('snapdata'), value: Buffer.from(data) });
      // the snapshot replaces the whole log
      for (let i = this.mem.firstIndex(); i <= lastBefore; i++) ops.push({ type: 'del', key: this.entryKey(i) });
      lastBefore = metadata.index;
    }
    if (ready.entries.length > 0) {
      for (const e of ready.entries) ops.push({ type: 'put', key: this.entryKey(e.index), value: encodeEntry(e) });
      const newLast = ready.entries[ready.entries.length - 1]!.index;
      // a conflicting suffix beyond the new entries is truncated
      for (let i = newLast + 1; i <= lastBefore; i++) ops.push({ type: 'del', key: this.entryKey(i) });
    }
    if (ready.hardState) ops.push({ type: 'put', key: this.key('hs'), value: JSON.stringify(ready.hardState) });
    if (ops.length > 0) await this.engine.batch(ops, { sync: ready.mustSync || ready.snapshot !== undefined });
    if (ready.snapshot) this.mem.applySnapshot(ready.snapshot);
    if (ready.entries.length > 0) this.mem.append(ready.entries);
    if (ready.hardState) this.mem.setHardState(ready.hardState);
  }

  /** Records an application snapshot at `index` and drops the log up to it, keeping `keepEntries` for slow followers. */
  async compact(index: number, confState: ConfState, data: Uint8Array, keepEntries = 0): Promise<void> {
    const snap = this.mem.createSnapshot(index, confState, data);
    const compactTo = index - keepEntries;
    const ops: BatchOp[] = [
      { type: 'put', key: this.key('snap'), value: JSON.stringify(snap.metadata) },
      { type: 'put', key: this.key('snapdata'), value: Buffer.from(data) },
    ];
    const first = this.mem.firstIndex();
    if (compactTo >= first) for (let i = first; i <= compactTo; i++) ops.push({ type: 'del', key: this.entryKey(i) });
    await this.engine.batch(ops, { sync: true });
    if (compactTo >= first) this.mem.compact(compactTo);
  }
}
