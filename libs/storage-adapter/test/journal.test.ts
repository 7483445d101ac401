// Runs the StorageAdapter conformance suite against the journal adapter over a real in-process cluster: one
// placement center and three journal servers on free ports, shards with three replicas at acks=quorum. Each test
// gets its own placement namespace, so tests share the cluster but never each other's shards.
//
// Every conformance case applies. `corrupt` flips a payload byte of the record in the segment file of every replica
// (servers read records from their files, and the adapter verifies each record's CRC as it arrives).
import { open } from 'node:fs/promises';
import {
  JOURNAL_MESSAGE,
  JournalConnection,
  encodeRecordBatch,
  isJournalError,
} from '@robustmq/protocol/journal';
import type { JournalServerHandle } from '@robustmq/journal-server';
import { beforeAll, describe, expect, it } from 'vitest';
import { sleep, testScope } from '@robustmq/testing';
import { startTestJournals } from '@robustmq/testing/journal';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';
import { runStorageConformance } from '../src/testing/conformance-suite.js';
import { createStorageAdapter } from '../src/factory.js';
import { JournalStorageAdapter, type JournalStorageOptions } from '../src/journal-adapter.js';
import { catalogKey, newPlacementName } from '../src/journal-catalog.js';
import { resolveShardOptions } from '../src/validation.js';
import { PlacementClient } from '@robustmq/placement-client';

const scope = testScope();
/** what a test opens (adapters, connections), closed after it */
const perTest = testScope('each');
let placement: TestPlacement;
const servers: JournalServerHandle[] = [];
let namespaces = 0;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement());
  const journals = await startTestJournals(3, {
    placement: [placement.grpcAddress],
    overrides: { placement: { heartbeat_interval_ms: 500 } },
  });
  for (const j of journals) servers.push(scope.add(j).server);
});

function adapterFor(namespace: string, options: Partial<JournalStorageOptions> = {}): JournalStorageAdapter {
  return new JournalStorageAdapter({
    placementAddresses: [placement.grpcAddress],
    namespace,
    replicaCount: 3,
    acks: 'quorum',
    ...options,
  });
}

/** flips the last payload byte of record `offset` in every replica's segment file. */
async function corruptOnDisk(namespace: string, placementName: string, offset: number): Promise<void> {
  let found = 0;
  for (const server of servers) {
    for (const seg of server.node.store.list()) {
      if (seg.meta.namespace !== namespace || seg.meta.shard !== placementName) continue;
      let position = -1;
      let length = 0;
      await seg.scan(offset, offset + 1, (record, pos) => {
        position = pos;
        length = record.length;
        return false;
      });
      if (position < 0) continue;
      const file = await open(seg.file.path, 'r+');
      const byte = Buffer.alloc(1);
      const at = position + 4 + length - 1;
      await file.read(byte, 0, 1, at);
      byte[0]! ^= 0xff;
      await file.write(byte, 0, 1, at);
      await file.close();
      found++;
    }
  }
  if (found === 0) throw new Error(`test setup: record ${offset} of ${placementName} is on no replica`);
}

runStorageConformance('journal', async () => {
  const namespace = `conf${++namespaces}`;
  let current = adapterFor(namespace);
  return {
    adapter: current,
    reopen: async () => {
      await current.close();
      current = adapterFor(namespace);
      return current;
    },
    corrupt: async (shard, offset) => {
      const { name } = await current.placementShard(shard);
      await corruptOnDisk(namespace, name, offset);
      return current;
    },
    cleanup: async () => {
      await current.close();
    },
  };
});

describe('journal adapter specifics', () => {
  it('is created by the factory from placement addresses, and refuses a config without them', async () => {
    const adapter = await createStorageAdapter({
      type: 'journal',
      journal: { placementAddresses: [placement.grpcAddress], namespace: 'factory' },
    });
    expect(adapter.type).toBe('journal');
    await adapter.createShard('f');
    expect(await adapter.append('f', [{ payload: Buffer.from('x') }])).toEqual([0]);
    await adapter.close();
    await expect(createStorageAdapter({ type: 'journal' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/placementAddresses/),
    });
  });

  it('keeps every replica of a segment identical and the leader reports follower lag', async () => {
    const adapter = perTest.add(adapterFor('replicas'));
    await adapter.createShard('r', { maxRecordsPerSegment: 1000 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        adapter.append('r', [{ payload: Buffer.from(`m${i}`) }, { payload: Buffer.from(`n${i}`) }]),
      ),
    );
    const { name } = await adapter.placementShard('r');
    const ends = async () =>
      servers.map(
        (s) =>
          s.node.store.list().find((seg) => seg.meta.namespace === 'replicas' && seg.meta.shard === name)
            ?.durableEnd,
      );
    await expect.poll(ends, { timeout: 5_000 }).toEqual([40, 40, 40]);
    const leader = servers.find((s) => [...s.node.leaders.values()].some((l) => l.seg.meta.shard === name))!;
    const res = await fetch(`http://127.0.0.1:${leader.ports.http}/api/v1/shards/replicas/${name}`);
    const body = (await res.json()) as {
      segments: Array<{ role: string; highWatermark: number; followers: Array<{ lag: number }> }>;
    };
    expect(body.segments[0]).toMatchObject({ role: 'leader', highWatermark: 40 });
    await expect
      .poll(async () => {
        const again = (await (
          await fetch(`http://127.0.0.1:${leader.ports.http}/api/v1/shards/replicas/${name}`)
        ).json()) as typeof body;
        return again.segments[0]!.followers.map((f) => f.lag);
      })
      .toEqual([0, 0]);
    const missing = await fetch(`http://127.0.0.1:${leader.ports.http}/api/v1/shards/replicas/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("readOthers leaves out the adapter's own appends, and they do not end its long poll", async () => {
    const mine = perTest.add(adapterFor('others'));
    const theirs = perTest.add(adapterFor('others'));
    await mine.createShard('o');
    await mine.append('o', [{ payload: Buffer.from('m0') }, { payload: Buffer.from('m1') }], {
      ordered: true,
    });
    await theirs.append('o', [{ payload: Buffer.from('t2') }]);
    await mine.append('o', [{ payload: Buffer.from('m3') }]);
    // at the read position the own records are skipped; own records after another writer's come back
    const first = await mine.readOthers('o', 0);
    expect(first.records.map((r) => [r.offset, r.payload.toString()])).toEqual([
      [2, 't2'],
      [3, 'm3'],
    ]);
    expect(first.next).toBe(4);
    // nothing else there: an answer without records that moves the position past our own
    expect(await mine.readOthers('o', 3)).toEqual({ records: [], next: 4 });
    // a long poll: our own append moves it on, another writer's append ends it
    const waiting = mine.readOthers('o', 4, { waitMs: 5_000 });
    await mine.append('o', [{ payload: Buffer.from('m4') }], { ordered: true });
    await mine.append('o', [{ payload: Buffer.from('m5') }]);
    await sleep(50);
    await theirs.append('o', [{ payload: Buffer.from('t6') }]);
    const woken = await waiting;
    expect(woken.records.map((r) => [r.offset, r.payload.toString()])).toEqual([[6, 't6']]);
    expect(woken.next).toBe(7);
    // read() still gets everything, and so does another adapter's readOthers
    expect((await mine.read('o', 0)).map((r) => r.payload.toString())).toEqual([
      'm0',
      'm1',
      't2',
      'm3',
      'm4',
      'm5',
      't6',
    ]);
    // (only own records at the read position are skipped: later ones come back)
    expect((await theirs.readOthers('o', 2)).records.map((r) => r.offset)).toEqual([3, 4, 5, 6]);
    // a long poll that times out with only our own appends answers with the position past them
    const idle = mine.readOthers('o', 7, { waitMs: 300 });
    await mine.append('o', [{ payload: Buffer.from('m7') }]);
    expect(await idle).toEqual({ records: [], next: 8 });
  });

  it('wakes a long poll within a few milliseconds of the append', async () => {
    const adapter = perTest.add(adapterFor('latency'));
    await adapter.createShard('l');
    await adapter.append('l', [{ payload: Buffer.from('warm') }]);
    const delays: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const waiting = adapter.read('l', i, { waitMs: 5_000 });
      await new Promise((r) => setTimeout(r, 5));
      let appendedAt = 0;
      const appended = adapter
        .append('l', [{ payload: Buffer.from(String(i)) }])
        .then(() => (appendedAt = Date.now()));
      const got = await waiting;
      const readAt = Date.now();
      await appended;
      expect(got.map((r) => r.offset)).toEqual([i]);
      delays.push(readAt - appendedAt);
    }
    delays.sort((a, b) => a - b);
    // the reader is woken by the commit itself, so it sees the record about when the writer sees its ack
    expect(delays[10]).toBeLessThanOrEqual(5);
  });

  it('sends an append larger than maxAppendBytes as consecutive requests, under the server frame limit', async () => {
    const adapter = perTest.add(adapterFor('big', { maxAppendBytes: 2_000 }));
    await adapter.createShard('b', { maxRecordsPerSegment: 70 });
    await adapter.describeShard('b'); // the shard's metadata cached, so the two calls below start in call order
    const payload = (i: number) => Buffer.from(`${i}:`.padEnd(100, 'x'));
    // ~50 requests of ~18 records, crossing two segment boundaries; a concurrent append lands after the whole batch
    const [first, second] = await Promise.all([
      adapter.append(
        'b',
        Array.from({ length: 900 }, (_, i) => ({ payload: payload(i) })),
        { expectedOffset: 0 },
      ),
      adapter.append('b', [{ payload: payload(900) }]),
    ]);
    expect(first).toEqual(Array.from({ length: 900 }, (_, i) => i));
    expect(second).toEqual([900]);
    const got = [];
    for (let from = 0; from < 901;) {
      const records = await adapter.read('b', from, { maxRecords: 1000 });
      got.push(...records.map((r) => Number(r.payload.toString().split(':')[0])));
      from += records.length;
    }
    expect(got).toEqual(Array.from({ length: 901 }, (_, i) => i));
  });

  it('keeps ordered appends in call order with many in flight, across segment ends and a second writer', async () => {
    const adapter = perTest.add(adapterFor('ordered'));
    const other = perTest.add(adapterFor('ordered'));
    await adapter.createShard('o', { maxRecordsPerSegment: 50 });
    const payload = (w: string, i: number) => ({ payload: Buffer.from(`${w}:${i}`) });
    // the first call finds no metadata cached and goes alone; later ones go out together
    await adapter.append('o', [payload('a', -1)], { ordered: true });
    // 60 calls of 7 records in flight together: requests get cut short at each segment's end (every 50 records),
    // and the rest of a call must still precede every later call; another writer appends in between
    const sentBefore = adapter.orderedStats.chained;
    let next = 0;
    const calls = Array.from({ length: 60 }, () =>
      adapter.append(
        'o',
        Array.from({ length: 7 }, () => payload('a', next++)),
        { ordered: true },
      ),
    );
    const others = Array.from({ length: 20 }, (_, i) => other.append('o', [payload('b', i)]));
    const offsets = (await Promise.all(calls)).flat();
    await Promise.all(others);
    expect(offsets.length).toBe(420);
    expect(adapter.orderedStats.chained - sentBefore).toBeGreaterThan(30);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1]!);
    const got: string[] = [];
    for (let from = 1; got.length < 440;) {
      const records = await adapter.read('o', from, { maxRecords: 1000 });
      got.push(...records.map((r) => r.payload.toString()));
      from += records.length;
    }
    const mine = got.filter((p) => p.startsWith('a:'));
    expect(mine).toEqual(Array.from({ length: 420 }, (_, i) => `a:${i}`));
    expect(got.filter((p) => p.startsWith('b:')).length).toBe(20);
    // the offsets each call was given are where its records are
    expect(offsets.map((o) => got[o - 1])).toEqual(mine);
  });

  it('a leader writes a chained request only right behind its predecessor, and refuses one whose predecessor it never wrote', async () => {
    const adapter = perTest.add(adapterFor('chain'));
    await adapter.createShard('c');
    await adapter.append('c', [{ payload: Buffer.from('first') }]);
    const { name } = await adapter.placementShard('c');
    const leader = servers.find((s) =>
      [...s.node.leaders.values()].some((l) => l.seg.meta.namespace === 'chain' && l.seg.meta.shard === name),
    )!;
    const segment = [...leader.node.leaders.values()].find((l) => l.seg.meta.shard === name)!;
    const conn = perTest.add(new JournalConnection(`127.0.0.1:${leader.ports.data}`));
    const send = (text: string, chain: Record<string, unknown>) =>
      conn
        .request(
          JOURNAL_MESSAGE.Append,
          { namespace: 'chain', shard: name, segment: 0, epoch: segment.epoch, chain: 'w1', ...chain },
          [encodeRecordBatch([{ tags: [], headers: [], timestamp: 1, payload: Buffer.from(text) }]).data],
        )
        .then(
          (reply) => reply.header['baseOffset'] as number,
          (err: unknown) => (isJournalError(err, 'OUT_OF_ORDER') ? 'OUT_OF_ORDER' : err),
        );
    // a head is written wherever it comes; a request naming one that was never written here is refused
    expect(await send('head', { seq: 10 })).toBe(1);
    expect(await send('orphan', { seq: 12, after: 11 })).toBe('OUT_OF_ORDER');
    expect(await send('next', { seq: 11, after: 10 })).toBe(2);
    // sent together: the second names the first, which is refused, so it is refused too — none overtakes
    const [a, b] = await Promise.all([send('x', { seq: 13, after: 99 }), send('y', { seq: 14, after: 13 })]);
    expect([a, b]).toEqual(['OUT_OF_ORDER', 'OUT_OF_ORDER']);
    expect(await send('z', { seq: 15, after: 11 })).toBe(3);
    const read = await adapter.read('c', 0, { maxRecords: 10 });
    expect(read.map((r) => r.payload.toString())).toEqual(['first', 'head', 'next', 'z']);
  });

  it('shardEnds agrees with describeShard, also across a seal it has not seen and after retention', async () => {
    const writer = perTest.add(adapterFor('ends'));
    const reader = perTest.add(adapterFor('ends'));
    await writer.createShard('e', { maxRecordsPerSegment: 5, retentionMs: 1 });
    const ends = async () => [await reader.shardEnds('e'), await reader.describeShard('e')] as const;
    expect(await reader.shardEnds('e')).toEqual({ startOffset: 0, nextOffset: 0 });
    await writer.append('e', [{ payload: Buffer.from('a') }, { payload: Buffer.from('b') }]);
    let [fast, full] = await ends();
    expect(fast).toEqual({ startOffset: full.startOffset, nextOffset: 2 });
    // the reader's cached segments end in the one it saw active; the writer fills it and two more meanwhile
    await writer.append(
      'e',
      Array.from({ length: 10 }, (_, i) => ({ payload: Buffer.from(String(i)) })),
    );
    [fast, full] = await ends();
    expect(fast).toEqual({ startOffset: 0, nextOffset: 12 });
    expect(full.nextOffset).toBe(12);
    await writer.enforceRetention(Date.now() + 60_000);
    await reader.describeShard('e'); // retention by another process is seen once the reader reloads the segments
    expect(await reader.shardEnds('e')).toEqual({ startOffset: 10, nextOffset: 12 });
  });
});

describe('a shard another adapter is creating', () => {
  // createShard claims the name in the catalog, then creates the journal shard: a second broker starting at the same
  // moment found the entry first and failed its start-up with "ListSegments: shard … not found" (the full suite's
  // `robustmq cluster up` of two brokers, once). It now waits while the entry is young.
  it('is waited for between the catalog entry and the journal shard, and is "not found" if the creator gives up', async () => {
    const namespace = `creating${++namespaces}`;
    const reader = perTest.add(adapterFor(namespace));
    const pc = perTest.add(new PlacementClient({ addresses: [placement.grpcAddress] }));
    const entry = {
      name: 's',
      placementName: newPlacementName(),
      options: resolveShardOptions(undefined),
      createdAtMs: Date.now(),
    };
    // the creator's first step only
    await pc.kv.set(catalogKey(namespace, 's'), JSON.stringify(entry));
    const appended = reader.append('s', [{ payload: Buffer.from('x') }]);
    await sleep(300);
    // its second step, 300 ms later
    await pc.journal.createShard(namespace, entry.placementName, {
      replicaCount: 3,
      acks: 'ACKS_QUORUM',
      maxSegmentBytes: 0,
      maxSegmentAgeMs: 0,
      retentionMs: 0,
      retentionBytes: 0,
    });
    expect(await appended).toEqual([0]);

    // a creator that fails deletes its entry: the waiting reader then hears "not found"
    const gone = { ...entry, name: 'g', placementName: newPlacementName(), createdAtMs: Date.now() };
    await pc.kv.set(catalogKey(namespace, 'g'), JSON.stringify(gone));
    const described = reader.describeShard('g');
    await sleep(200);
    await pc.kv.delete(catalogKey(namespace, 'g'));
    await expect(described).rejects.toMatchObject({ code: 'SHARD_NOT_FOUND' });
  });
});
