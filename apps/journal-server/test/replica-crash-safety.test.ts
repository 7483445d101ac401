// Two crash-safety properties of a segment replica across the pipelined write path, driven in-process through a real
// JournalNode + SegmentStore (placement replaced by a fixed answer):
//  1. a leader deposed while one of its file writes is still running finishes that write before the follower role
//     (Replicate / Truncate from the new epoch) writes or truncates the same file — no two file operations overlap,
//     and the replica ends up holding exactly the new leader's log;
//  2. a failed fdatasync loses the written-but-not-durable tail: it is never reported durable (not by a later
//     successful fdatasync, not in a Fence answer), it is cut back to the durable end, and the leader re-sends it
//     (follower) or a re-activated leader continues from the durable end (leader).
// Interleavings are forced with gate promises around the segment file's append / sync, never with sleeps.
import { open as openFile } from 'node:fs/promises';
import { createLogger } from '@robustmq/common';
import { type PlacementClient } from '@robustmq/placement-client';
import {
  decodeRecord,
  encodeRecordBatch,
  splitBatch,
  type JournalConnectionPool,
} from '@robustmq/protocol/journal';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempDir, removeDir } from '@robustmq/testing';
import { stampOffsets } from '../src/storage/framed-batch.js';
import type { LocalSegment } from '../src/storage/local-segment.js';
import { SegmentStore } from '../src/storage/segment-store.js';
import { JournalNode } from '../src/replication/journal-node.js';
import { endForEpoch } from '../src/replication/segment-leader.js';
import type { SegmentDirectory, SegmentMeta } from '../src/replication/segment-directory.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const NS = 'ns';
const SHARD = 's';
let dir: string;

beforeEach(async () => {
  dir = tempDir('crashsafe');
});
afterEach(async () => {
  removeDir(dir);
});

/** placement's view of segment 0: led by `leader` at `epoch`, this server (node 1) the only replica, acks=1. */
function segmentMeta(epoch: number, leader = 1): SegmentMeta {
  return {
    namespace: NS,
    shardName: SHARD,
    seq: 0,
    replicas: [1],
    leader,
    epoch,
    status: 'SEGMENT_WRITE',
    startOffset: 0,
    endOffset: -1,
    createdAtMs: Date.now(),
  } as unknown as SegmentMeta;
}

function newNode(store: SegmentStore, meta: () => SegmentMeta): JournalNode {
  const directory = {
    shard: () => Promise.resolve({ namespace: NS, shardName: SHARD, config: { acks: 'ACKS_ONE' } }),
    segment: () => Promise.resolve(meta()),
    address: () => Promise.reject(new Error('no other journal servers in this test')),
    remember: () => {},
  } as unknown as SegmentDirectory;
  const settings = {
    nodeId: 1,
    heartbeatIntervalMs: 100,
    requestTimeoutMs: 5_000,
    maxReplicateBytes: 1 << 20,
    leaderLeaseMs: 60_000,
    leaderCheckIntervalMs: 60_000,
  };
  // node.start() (the watchdog) is not called: nothing here may ask placement or other servers anything
  return new JournalNode(
    store,
    directory,
    {} as PlacementClient,
    {} as JournalConnectionPool,
    settings,
    logger,
  );
}

/** a framed batch of records with payloads `${tag}${offset}`; stamped with offsets from `from` unless `unstamped`. */
function records(tag: string, from: number, n: number, unstamped = false): Buffer {
  const { data } = encodeRecordBatch(
    Array.from({ length: n }, (_, i) => ({
      tags: [],
      headers: [],
      timestamp: 1000 + from + i,
      payload: Buffer.from(`${tag}${from + i}`),
    })),
  );
  if (!unstamped) stampOffsets(data, from);
  return data;
}

const header = (epoch: number) => ({ namespace: NS, shard: SHARD, segment: 0, epoch, startOffset: 0 });
const truncateHeader = (epoch: number, offset: number) => ({ ...header(epoch), offset });
const replicateHeader = (epoch: number, baseOffset: number, highWatermark: number) => ({
  ...header(epoch),
  leader: 2,
  baseOffset,
  highWatermark,
  sealedEnd: null,
});

/** payloads of the records [0, end) of the replica, each decoded (so its CRC and offset are checked). */
async function payloads(seg: LocalSegment, end: number): Promise<string[]> {
  const { parts } = await seg.readFramed(0, end, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return parts
    .flatMap((p) => splitBatch(p))
    .map((r, i) => {
      const rec = decodeRecord(r, `record ${i}`);
      expect(rec.offset).toBe(i);
      return rec.payload.toString();
    });
}

/** Closes `node` and `store`, opens the store again and expects the segment to hold exactly `expected` (payloads). */
async function expectOnDiskAfterRestart(
  node: JournalNode,
  store: SegmentStore,
  expected: string[],
): Promise<void> {
  await node.close();
  await store.close();
  const again = await SegmentStore.open(dir, logger);
  const reopened = again.get(NS, SHARD, 0)!;
  expect(reopened.endOffset).toBe(expected.length);
  expect(await payloads(reopened, expected.length)).toEqual(expected);
  await again.close();
}

/** turns of the event loop until `done()` holds: both outcomes the tests wait for are certain to happen. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}

function settled(p: Promise<unknown>): () => boolean {
  let s = false;
  p.then(
    () => (s = true),
    () => (s = true),
  );
  return () => s;
}

/**
 * wraps the segment file so the next append completes only when released (its bytes reach the file at once, but
 * the store's continuation — endOffset, index, the leader's bookkeeping — waits: a write "still running"), and
 * records whether any append or truncate of the file ever started while another one was still running.
 */
function holdNextAppend(seg: LocalSegment): { held: Promise<void>; release(): void; overlapped(): boolean } {
  const file = seg.file;
  const realAppend = file.append.bind(file);
  const realTruncate = file.truncate.bind(file);
  let running = 0;
  let overlapped = false;
  let holding = true;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const held = new Promise<void>((r) => (entered = r));
  const track = async <T>(op: () => Promise<T>): Promise<T> => {
    if (running > 0) overlapped = true;
    running++;
    try {
      return await op();
    } finally {
      running--;
    }
  };
  file.append = (parts) =>
    track(async () => {
      const position = await realAppend(parts);
      if (holding) {
        holding = false;
        entered();
        await gate;
      }
      return position;
    });
  file.truncate = (size) => track(() => realTruncate(size));
  return { held, release, overlapped: () => overlapped };
}

/**
 * Node 1 leads the segment at epoch 1 with two acknowledged records, and its write of three more (offsets 2..4) is
 * held running; `oldOutcome` is how that write ends. `placement.meta` is what placement says of the segment.
 */
async function leaderWithHeldWrite() {
  const store = await SegmentStore.open(dir, logger);
  const placement = { meta: segmentMeta(1) };
  const node = newNode(store, () => placement.meta);
  const leader = await node.activate(placement.meta);
  const seg = leader.seg;
  expect(await leader.append(records('acked', 0, 2, true), 2, 0)).toEqual({ baseOffset: 0, count: 2 });
  const gate = holdNextAppend(seg);
  const oldOutcome = leader.append(records('old', 2, 3, true), 3, 0).then(
    () => 'acknowledged',
    (err: { code?: string }) => err.code,
  );
  await gate.held;
  return { store, placement, node, leader, seg, gate, oldOutcome };
}

it('a leader deposed by a Fence while its write runs finishes that write before the new epoch truncates and replicates', async () => {
  const { store, placement, node, seg, gate, oldOutcome } = await leaderWithHeldWrite();

  // node 2 takes over at epoch 2 (its log: the two acknowledged records, then its own from offset 2) and hands
  // over exactly as FollowerReplicator.handshake does: Fence, cut what diverges, Replicate from there
  placement.meta = segmentMeta(2, 2);
  const fence = node.fence(header(2));
  const fenceDone = settled(fence);
  // before the fix the Fence answers at once (and its Replicate then overlaps the held write, below); with it the
  // Fence queues on the segment's lock behind the write — either is certain to happen, and then the write may go
  await until(() => fenceDone() || seg.lockQueue > 1);
  if (!fenceDone()) gate.release();
  const answer = await fence;
  const newLeaderEpochs: Array<[number, number]> = [
    [1, 0],
    [2, 2],
  ];
  const agreed = Math.min(answer.endOffset, endForEpoch(newLeaderEpochs, answer.lastEpoch, 5));
  expect(agreed).toBe(2);
  if (agreed < answer.endOffset) await node.truncate(truncateHeader(2, agreed));
  const replicate = node.replicate(replicateHeader(2, agreed, 2), records('new', agreed, 5 - agreed));
  const replicateDone = settled(replicate);
  await until(() => replicateDone() || gate.overlapped());
  gate.release();
  const replicated = await replicate.catch((err: Error) => ({ endOffset: -1, err: err.message }));

  expect(gate.overlapped()).toBe(false);
  expect(replicated).toEqual({ endOffset: 5 });
  expect(await oldOutcome).toBe('NOT_LEADER'); // the deposed leader acknowledged nothing of what it wrote last
  expect(seg.endOffset).toBe(5);
  expect(seg.durableEnd).toBe(5);
  expect(await payloads(seg, 5)).toEqual(['acked0', 'acked1', 'new2', 'new3', 'new4']);
  expect(seg.meta.epochs).toEqual(newLeaderEpochs);

  // and the file on disk says the same after a restart
  await expectOnDiskAfterRestart(node, store, ['acked0', 'acked1', 'new2', 'new3', 'new4']);
});

it('a leader stopped by placement while its write runs finishes that write before a Truncate of the new epoch cuts the file', async () => {
  const { store, placement, node, leader, seg, gate, oldOutcome } = await leaderWithHeldWrite();
  // placement moved the segment (UpdateCache): the leader steps down outside the segment's lock...
  placement.meta = segmentMeta(2, 2);
  await node.refreshSegment(NS, SHARD, 0);
  expect(leader.state).toBe('stopped');
  // ...and the new leader cuts this replica back to offset 1 while the old write still runs
  const truncate = node.truncate(truncateHeader(2, 1));
  const truncateDone = settled(truncate);
  await until(() => truncateDone() || gate.overlapped() || seg.lockQueue > 1);
  gate.release();
  const cut = await truncate;

  expect(gate.overlapped()).toBe(false);
  expect(cut).toEqual({ endOffset: 1 });
  expect(await oldOutcome).toBe('NOT_LEADER');
  expect(seg.endOffset).toBe(1);
  expect(seg.file.size).toBe(seg.writtenSize);
  expect(await payloads(seg, 1)).toEqual(['acked0']);
  // the replica goes on from there with the new leader's records
  expect(await node.replicate(replicateHeader(2, 1, 1), records('new', 1, 2))).toEqual({ endOffset: 3 });
  expect(await payloads(seg, 3)).toEqual(['acked0', 'new1', 'new2']);

  await expectOnDiskAfterRestart(node, store, ['acked0', 'new1', 'new2']);
});

/**
 * makes the segment file's next fdatasync fail once it is released, after overwriting everything written since
 * `durableBytes` with zeros: what a kernel that dropped the dirty pages of a failed writeback leaves behind. Later
 * fdatasyncs succeed, as they do on Linux once the error has been reported.
 */
function failNextSync(seg: LocalSegment, durableBytes: number): { entered: Promise<void>; release(): void } {
  const file = seg.file;
  const realSync = file.sync.bind(file);
  let armed = true;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let enter!: () => void;
  const entered = new Promise<void>((r) => (enter = r));
  file.sync = async () => {
    if (!armed) return realSync();
    armed = false;
    enter();
    await gate;
    const lost = file.size - durableBytes;
    const raw = await openFile(file.path, 'r+');
    await raw.write(Buffer.alloc(lost), 0, lost, durableBytes);
    await raw.close();
    throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
  };
  return { entered, release };
}

it('a follower whose fdatasync fails drops the unsynced tail, never reports it durable, and takes it again from the leader', async () => {
  const store = await SegmentStore.open(dir, logger);
  const node = newNode(store, () => segmentMeta(1, 2));
  expect(await node.replicate(replicateHeader(1, 0, 0), records('r', 0, 10))).toEqual({ endOffset: 10 });
  const seg = store.get(NS, SHARD, 0)!;

  const failing = failNextSync(seg, seg.file.size);
  // two pipelined Replicate requests: the first one's fdatasync fails, the second was written while it ran
  const first = node.replicate(replicateHeader(1, 10, 10), records('r', 10, 5)).catch((err: Error) => err);
  await failing.entered;
  const second = node.replicate(replicateHeader(1, 15, 10), records('r', 15, 5)).catch((err: Error) => err);
  await until(() => seg.endOffset === 20);
  failing.release();
  const answers = await Promise.all([first, second]);

  // neither answers an end offset: before the fix the second one's fdatasync (which succeeds) claimed 10..19
  for (const a of answers) expect(a).toBeInstanceOf(Error);
  expect(seg.durableEnd).toBe(10);
  // the leader reconnects: the Fence answer is the durable end, not the lost one
  const fenced = await node.fence(header(1));
  expect(fenced.endOffset).toBe(10);
  expect(seg.endOffset).toBe(10);
  // and it re-sends from there
  expect(await node.replicate(replicateHeader(1, 10, 10), records('r', 10, 10))).toEqual({ endOffset: 20 });
  const expected = Array.from({ length: 20 }, (_, i) => `r${i}`);
  expect(await payloads(seg, 20)).toEqual(expected);

  await expectOnDiskAfterRestart(node, store, expected);
});

it('a leader whose fdatasync fails acknowledges nothing of the lost tail, steps down, and leads again from its durable end', async () => {
  const store = await SegmentStore.open(dir, logger);
  const meta = segmentMeta(1);
  const node = newNode(store, () => meta);
  const leader = await node.activate(meta);
  const seg = leader.seg;
  expect(await leader.append(records('a', 0, 10, true), 10, 0)).toEqual({ baseOffset: 0, count: 10 });

  const failing = failNextSync(seg, seg.file.size);
  const lost = leader.append(records('lost', 10, 5, true), 5, 0).catch((err: { code?: string }) => err.code);
  await failing.entered;
  failing.release();
  expect(await lost).toBe('WRITE_FAILED');
  expect(leader.state).toBe('stopped');
  expect(leader.hw).toBe(10);

  // placement still names this server: the next request activates it again, and it continues after offset 9
  const again = await node.activate(meta);
  expect(again).not.toBe(leader);
  expect(await again.append(records('b', 10, 3, true), 3, 0)).toEqual({ baseOffset: 10, count: 3 });
  expect(again.hw).toBe(13);
  const expected = [...Array.from({ length: 10 }, (_, i) => `a${i}`), 'b10', 'b11', 'b12'];
  expect(await payloads(seg, 13)).toEqual(expected);

  await expectOnDiskAfterRestart(node, store, expected);
});
