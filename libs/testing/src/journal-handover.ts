// The check that a journal shard survives its segment leader shutting down: what was acknowledged before and what
// is appended after placement named a new leader all read back, in order. Used wherever the handover must also work
// through something else (cluster auth tokens, cluster TLS).
import { expect } from 'vitest';

/** What the check needs of a JournalStorageAdapter (kept structural: the kit does not load the adapters). */
export interface HandoverAdapter {
  createShard(shard: string): Promise<unknown>;
  placementShard(shard: string): Promise<{ name: string }>;
  append(shard: string, records: { payload: Buffer }[]): Promise<unknown>;
  read(shard: string, from: number, options: { maxRecords: number }): Promise<{ payload: Buffer }[]>;
  close(): Promise<void>;
}

/** What it needs of a PlacementClient. */
export interface HandoverPlacement {
  journal: { listSegments(namespace: string, shard: string): Promise<{ leader: number }[]> };
}

/** Creates shard `h` in `namespace` through `adapter`, appends `perSide` records, stops the segment's leader with
 * `stopLeader`, waits (15 s at most) for placement to name another, appends `perSide` more and expects all of them
 * back in order. Closes `adapter`. */
export async function expectHandoverOnLeaderStop(
  adapter: HandoverAdapter,
  placement: HandoverPlacement,
  namespace: string,
  stopLeader: (leader: number) => Promise<void>,
  perSide: number,
): Promise<void> {
  const records = (from: number) =>
    Array.from({ length: perSide }, (_, i) => ({ payload: Buffer.from(`r${from + i}`) }));
  try {
    await adapter.createShard('h');
    const { name } = await adapter.placementShard('h');
    await adapter.append('h', records(0));
    const [before] = await placement.journal.listSegments(namespace, name);
    await stopLeader(before!.leader);
    await expect
      .poll(async () => (await placement.journal.listSegments(namespace, name))[0]!.leader, {
        timeout: 15_000,
        interval: 100,
      })
      .not.toBe(before!.leader);
    await adapter.append('h', records(perSide));
    const read = await adapter.read('h', 0, { maxRecords: 100 });
    expect(read.map((r) => r.payload.toString())).toEqual(
      Array.from({ length: 2 * perSide }, (_, i) => `r${i}`),
    );
  } finally {
    await adapter.close();
  }
}
