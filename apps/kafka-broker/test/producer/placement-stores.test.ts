// The two things the Kafka broker keeps in placement's KV, against a real placement center: producer ids (unique
// across brokers taking blocks at the same time) and consumer groups' committed offsets (durable across a placement
// restart, readable by any broker).
import { describe, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestPlacement } from '@robustmq/testing/placement';
import { PlacementOffsetStore } from '../../src/group/offset-store.js';
import { ProducerIdAllocator } from '../../src/producer/producer-id-allocator.js';

const scope = testScope();

describe('kafka state in placement', () => {
  it('producer ids are unique across allocators racing for blocks', async () => {
    const placement = scope.add(await startTestPlacement());
    const allocators = [0, 1, 2].map(() => new ProducerIdAllocator(placement.client().kv, 10));
    const ids = (
      await Promise.all(allocators.flatMap((a) => Array.from({ length: 25 }, () => a.allocate())))
    ).sort((x, y) => x - y);
    expect(new Set(ids).size).toBe(75);
    // a new allocator (a restarted broker) continues after every block taken so far
    const fresh = await new ProducerIdAllocator(placement.client().kv, 10).allocate();
    expect(fresh).toBeGreaterThan(ids[ids.length - 1]!);
  });

  it('committed offsets survive a placement restart and are read by another store', async () => {
    const placement = scope.add(await startTestPlacement());
    const store = new PlacementOffsetStore(placement.client().kv);
    const group = 'team/a b';
    await store.commit(group, [
      { topic: 'orders', partition: 0, offset: 10, leaderEpoch: -1, metadata: 'm', commitTimestamp: 1 },
      { topic: 'orders', partition: 1, offset: 20, leaderEpoch: 3, metadata: null, commitTimestamp: 2 },
      { topic: 'pay.ments', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 3 },
    ]);
    await store.commit('other', [
      { topic: 'orders', partition: 0, offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 4 },
    ]);
    await placement.restart();
    const reader = new PlacementOffsetStore(placement.client().kv);
    expect(
      await reader.fetch(group, [
        { topic: 'orders', partition: 1 },
        { topic: 'orders', partition: 9 },
      ]),
    ).toEqual([
      { topic: 'orders', partition: 1, offset: 20, leaderEpoch: 3, metadata: null, commitTimestamp: 2 },
    ]);
    expect((await reader.fetch(group, null)).map((o) => `${o.topic}/${o.partition}=${o.offset}`)).toEqual([
      'orders/0=10',
      'orders/1=20',
      'pay.ments/0=5',
    ]);
    expect((await reader.groups()).sort()).toEqual(['other', group]);
    await reader.deleteGroup(group);
    expect(await reader.fetch(group, null)).toEqual([]);
    expect(await reader.groups()).toEqual(['other']);
  });
});
