// Where consumer groups' committed offsets live: placement's KV store (Raft-replicated, on disk), so they survive any
// broker's restart and any coordinator that takes a group over reads the same offsets. One key per group-partition:
//   kafka/group-offsets/<group>/<topic>/<partition> = {"o":offset,"e":leaderEpoch,"m":metadata,"t":commitTimestamp}
//   kafka/groups/<group> = ""   (lets ListGroups find groups that only have offsets without listing every offset)
// The group id is URI-encoded (any string is a valid group id; a '/' in it must not split the key); Kafka topic
// names are [a-zA-Z0-9._-] only. The KV client batches the sets of one commit into one placement request.
import type { KvClient } from '@robustmq/placement-client';

export interface OffsetKey {
  topic: string;
  partition: number;
}

export interface StoredOffset extends OffsetKey {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface OffsetStore {
  /** durably stores every offset of one commit; rejects if any is not stored. */
  commit(groupId: string, offsets: StoredOffset[]): Promise<void>;
  /** the stored offsets of the given partitions (absent ones left out), or of every partition when `keys` is null. */
  fetch(groupId: string, keys: OffsetKey[] | null): Promise<StoredOffset[]>;
  /** every group that has committed offsets. */
  groups(): Promise<string[]>;
  /** forgets a group's offsets (DeleteGroups). */
  deleteGroup(groupId: string): Promise<void>;
}

const OFFSETS = 'kafka/group-offsets/';
const GROUPS = 'kafka/groups/';
const PAGE = 1000;

interface OffsetValue {
  o: number;
  e: number;
  m: string | null;
  t: number;
}

export class PlacementOffsetStore implements OffsetStore {
  /** groups this process knows to have their kafka/groups/ key written. */
  private readonly registered = new Set<string>();

  constructor(private readonly kv: KvClient) {}

  async commit(groupId: string, offsets: StoredOffset[]): Promise<void> {
    const group = encodeURIComponent(groupId);
    const writes = offsets.map((o) => {
      const value: OffsetValue = { o: o.offset, e: o.leaderEpoch, m: o.metadata, t: o.commitTimestamp };
      return this.kv.set(`${OFFSETS}${group}/${o.topic}/${o.partition}`, JSON.stringify(value));
    });
    if (!this.registered.has(groupId)) writes.push(this.kv.set(GROUPS + group, ''));
    await Promise.all(writes);
    this.registered.add(groupId);
  }

  async fetch(groupId: string, keys: OffsetKey[] | null): Promise<StoredOffset[]> {
    const group = encodeURIComponent(groupId);
    if (keys === null) {
      const prefix = `${OFFSETS}${group}/`;
      const out: StoredOffset[] = [];
      for (const { key, value } of await this.list(prefix)) {
        const rest = key.slice(prefix.length);
        const slash = rest.lastIndexOf('/');
        const parsed = parseValue(value);
        if (slash <= 0 || !parsed) continue;
        out.push({ topic: rest.slice(0, slash), partition: Number(rest.slice(slash + 1)), ...parsed });
      }
      return out;
    }
    const values = await Promise.all(
      keys.map((k) => this.kv.get(`${OFFSETS}${group}/${k.topic}/${k.partition}`)),
    );
    const out: StoredOffset[] = [];
    keys.forEach((k, i) => {
      const parsed = values[i] ? parseValue(values[i]) : undefined;
      if (parsed) out.push({ ...k, ...parsed });
    });
    return out;
  }

  async groups(): Promise<string[]> {
    return (await this.list(GROUPS)).map(({ key }) => decodeURIComponent(key.slice(GROUPS.length)));
  }

  async deleteGroup(groupId: string): Promise<void> {
    const group = encodeURIComponent(groupId);
    const keys = (await this.list(`${OFFSETS}${group}/`)).map((e) => e.key);
    await Promise.all([...keys, GROUPS + group].map((k) => this.kv.delete(k)));
    this.registered.delete(groupId);
  }

  private async list(prefix: string): Promise<{ key: string; value: Buffer }[]> {
    const out: { key: string; value: Buffer }[] = [];
    let after = '';
    for (;;) {
      const page = await this.kv.listPrefix(prefix, after, PAGE);
      for (const item of page.items) out.push({ key: item.key, value: item.value });
      if (!page.more || page.items.length === 0) return out;
      after = page.items[page.items.length - 1]!.key;
    }
  }
}

function parseValue(raw: Buffer): Omit<StoredOffset, 'topic' | 'partition'> | undefined {
  try {
    const v = JSON.parse(raw.toString('utf8')) as OffsetValue;
    if (typeof v.o !== 'number') return undefined;
    return { offset: v.o, leaderEpoch: v.e ?? -1, metadata: v.m ?? null, commitTimestamp: v.t ?? 0 };
  } catch {
    return undefined;
  }
}

/** Offsets in this process only: for a broker without placement (never in a cluster) and for unit tests. */
export class MemoryOffsetStore implements OffsetStore {
  private readonly byGroup = new Map<string, Map<string, StoredOffset>>();

  commit(groupId: string, offsets: StoredOffset[]): Promise<void> {
    let group = this.byGroup.get(groupId);
    if (!group) this.byGroup.set(groupId, (group = new Map()));
    for (const o of offsets) group.set(`${o.topic}/${o.partition}`, { ...o });
    return Promise.resolve();
  }

  fetch(groupId: string, keys: OffsetKey[] | null): Promise<StoredOffset[]> {
    const group = this.byGroup.get(groupId);
    if (!group) return Promise.resolve([]);
    if (keys === null) return Promise.resolve([...group.values()]);
    return Promise.resolve(keys.flatMap((k) => group.get(`${k.topic}/${k.partition}`) ?? []));
  }

  groups(): Promise<string[]> {
    return Promise.resolve([...this.byGroup.keys()]);
  }

  deleteGroup(groupId: string): Promise<void> {
    this.byGroup.delete(groupId);
    return Promise.resolve();
  }
}
