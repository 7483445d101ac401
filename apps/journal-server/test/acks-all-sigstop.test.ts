// acks=all with a hung replica, over real processes (placement center + 3 journal servers, `node dist/main.js`): a
// follower frozen with SIGSTOP keeps its TCP connections open but answers nothing, so the leader cannot learn that it
// is gone. An acks=all append is then not acknowledged (the producer times out) while an acks=quorum append to a shard
// on the same servers is; after SIGCONT the follower catches up and acks=all appends are acknowledged again, with
// every replica holding them.
import type { PlacementClient } from '@robustmq/placement-client';
import { JOURNAL_MESSAGE } from '@robustmq/protocol/journal';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DataPortClient } from './support/data-port-client.js';
import { useProcessCluster, type ProcessNode } from '@robustmq/testing';

const cluster = useProcessCluster(3);
let placement: PlacementClient;
let data: DataPortClient;
let frozen: ProcessNode | undefined;

beforeAll(() => {
  placement = cluster.client();
  data = new DataPortClient(placement);
});

afterAll(async () => {
  frozen?.child?.kill('SIGCONT');
  data?.close();
});

const rec = (s: string) => [Buffer.from(s)];

it('holds acks=all appends while a follower is frozen (SIGSTOP), acknowledges acks=quorum, and acks=all again after SIGCONT', async () => {
  const ns = 'sigstop';
  await placement.journal.createShard(ns, 'all', { replicaCount: 3, acks: 'ACKS_ALL' });
  await placement.journal.createShard(ns, 'quorum', { replicaCount: 3, acks: 'ACKS_QUORUM' });
  expect((await data.append(ns, 'all', rec('a0'))).baseOffset).toBe(0);
  expect((await data.append(ns, 'quorum', rec('q0'))).baseOffset).toBe(0);

  const leaders = new Set<number>();
  for (const shard of ['all', 'quorum'])
    leaders.add((await placement.journal.listSegments(ns, shard))[0]!.leader);
  frozen = cluster.journals.find((j) => !leaders.has(j.id))!;
  frozen.child!.kill('SIGSTOP');

  const failed = await data.append(ns, 'all', rec('a1'), { timeoutMs: 0, requestTimeoutMs: 3_000 }).then(
    () => undefined,
    (err: Error & { code?: string }) => err,
  );
  expect(failed, 'an acks=all append with a frozen replica must not be acknowledged').toBeDefined();
  expect(failed).toMatchObject({
    code: 'UNAVAILABLE',
    message: expect.stringMatching(/did not answer within 3000 ms/),
  });
  const started = Date.now();
  expect((await data.append(ns, 'quorum', rec('q1'), { requestTimeoutMs: 5_000 })).baseOffset).toBe(1);
  expect(Date.now() - started).toBeLessThan(5_000);

  frozen.child!.kill('SIGCONT');
  const { baseOffset } = await data.append(ns, 'all', rec('a2'), {
    timeoutMs: 30_000,
    requestTimeoutMs: 30_000,
  });
  const segment = (await placement.journal.listSegments(ns, 'all'))[0]!;
  const read = await data.read(segment.leader, ns, 'all', 0, 0);
  // a1 was held, not dropped: committed once the frozen replica had it too
  expect(read.records.map((r) => r.payload)).toEqual(['a0', 'a1', 'a2']);
  expect(read.records.at(-1)!.offset).toBe(baseOffset);
  for (const j of cluster.journals) {
    await expect
      .poll(
        async () =>
          (
            await data.request(j.id, JOURNAL_MESSAGE.SegmentState, {
              namespace: ns,
              shard: 'all',
              segment: 0,
            })
          ).header['endOffset'],
        {
          timeout: 10_000,
        },
      )
      .toBe(baseOffset + 1);
  }
}, 120_000);
