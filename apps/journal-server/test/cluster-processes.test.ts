// Proof tests against real processes (1 placement center + 3 journal servers, each `node dist/main.js`):
// - 100,000 records appended at acks=quorum while a follower and then the segment leader are SIGKILLed: every
//   acknowledged record is afterwards readable, in order, at exactly the offset its append returned, and the
//   restarted servers catch up until all replicas of every segment hold the same records;
// - a segment file cut mid-record while its server is stopped is recovered when it starts again;
// - garbage, oversized and unknown-type frames and unknown shards on the data port get error answers with codes, and
//   the server stays up.
import { readdir, stat, truncate } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { PlacementClient } from '@robustmq/placement-client';
import { journalAdapter } from '@robustmq/testing/journal';
import { JOURNAL_MESSAGE, JournalConnection, encodeFrame } from '@robustmq/protocol/journal';
import { beforeAll, expect, it } from 'vitest';
import { useProcessCluster } from '@robustmq/testing';

const cluster = useProcessCluster(3);
let placement: PlacementClient;

beforeAll(() => {
  placement = cluster.client();
});

interface SegmentRow {
  namespace: string;
  shard: string;
  seq: number;
  endOffset: number;
}

async function segmentsOn(port: number, shard: string): Promise<SegmentRow[]> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/segments`);
  const body = (await res.json()) as { segments: SegmentRow[] };
  return body.segments.filter((s) => s.shard === shard);
}

it('keeps every acknowledged record through SIGKILLs of a follower and the leader, and restarted nodes catch up', async () => {
  const adapter = journalAdapter([cluster.placementAddress], 'kill', { requestTimeoutMs: 60_000 });
  try {
    await adapter.createShard('orders', { maxRecordsPerSegment: 45_000 });
    const { name } = await adapter.placementShard('orders');
    const activeSegment = async () =>
      (await placement.journal.listSegments('kill', name)).filter((s) => s.status === 'SEGMENT_WRITE').pop()!;

    const total = 100_000;
    const batch = 250;
    const acked = new Map<number, string>();
    let issued = 0;
    // the chaos steps run at fixed points of the stream: when a producer's ack crosses a threshold, new appends wait
    // while the step runs (appends already sent stay in flight, so a kill lands among them)
    const thresholds = [20_000, 40_000, 60_000, 80_000];
    let hold: Promise<void> | undefined;
    const steps: Array<() => void> = [];
    const reached: Array<Promise<void>> = thresholds.map((_, i) => new Promise<void>((r) => (steps[i] = r)));
    let release = () => {};
    const producer = async (p: number) => {
      while (issued < total) {
        while (hold) await hold;
        const n = Math.min(batch, total - issued);
        issued += n;
        const payloads = Array.from({ length: n }, (_, i) => `${p}:${issued - n + i}`);
        const offsets = await adapter.append(
          'orders',
          payloads.map((t) => ({ payload: Buffer.from(t) })),
        );
        offsets.forEach((o, i) => acked.set(o, payloads[i]!));
        while (thresholds.length > 0 && acked.size >= thresholds[0]! && !hold) {
          thresholds.shift();
          hold = new Promise<void>((r) => (release = r));
          steps.shift()!();
        }
      }
    };
    const resume = () => {
      hold = undefined;
      release();
    };
    const chaos = (async () => {
      await reached[0];
      const first = await activeSegment();
      const follower = cluster.journal(first.replicas.find((r) => r !== first.leader)!);
      await cluster.kill(follower);
      resume();
      await reached[1];
      await cluster.startJournal(follower);
      resume();
      await reached[2];
      const second = await activeSegment();
      const leader = cluster.journal(second.leader);
      await cluster.kill(leader);
      resume();
      await reached[3];
      await cluster.startJournal(leader);
      resume();
      return { follower: follower.id, leader: leader.id, leaderEpoch: second.epoch, seq: second.seq };
    })();
    await Promise.all([0, 1, 2, 3].map(producer));
    const killed = await chaos;
    expect(acked.size).toBe(total);

    // every acknowledged record is where its offset says, in order
    const d = await adapter.describeShard('orders');
    const all: Array<{ offset: number; text: string }> = [];
    while (all.length < d.nextOffset) {
      const got = await adapter.read('orders', all.length, { maxRecords: 5_000, maxBytes: 4 << 20 });
      for (const r of got) all.push({ offset: r.offset, text: r.payload.toString() });
    }
    all.forEach((r, i) => expect(r.offset).toBe(i));
    for (const [offset, text] of acked) expect(all[offset]!.text).toBe(text);
    // the leader change happened through placement, with a newer epoch
    const after = (await placement.journal.listSegments('kill', name)).find((s) => s.seq === killed.seq)!;
    expect(after.epoch).toBeGreaterThan(killed.leaderEpoch);

    // restarted servers catch up: every server holds every segment of the shard with the same end
    await expect
      .poll(
        async () => {
          const views = await Promise.all(cluster.journals.map((j) => segmentsOn(j.http, name)));
          return views.map((segs) => segs.map((s) => `${s.seq}:${s.endOffset}`).join(','));
        },
        { timeout: 30_000, interval: 250 },
      )
      .toEqual(
        Array(3).fill(
          (await segmentsOn(cluster.journals[0]!.http, name)).map((s) => `${s.seq}:${s.endOffset}`).join(','),
        ),
      );
    const final = await segmentsOn(cluster.journals[0]!.http, name);
    expect(final.reduce((m, s) => Math.max(m, s.endOffset), 0)).toBe(d.nextOffset);
  } finally {
    await adapter.close();
  }
}, 120_000);

it('recovers a segment file cut in the middle of a record while its server was stopped', async () => {
  const adapter = journalAdapter([cluster.placementAddress], 'torn');
  try {
    await adapter.createShard('t');
    for (let i = 0; i < 10; i++)
      await adapter.append(
        't',
        Array.from({ length: 100 }, (_, j) => ({ payload: Buffer.from(`r${i * 100 + j}`) })),
      );
    const { name } = await adapter.placementShard('t');
    const seg = (await placement.journal.listSegments('torn', name))[0]!;
    const victim = cluster.journal(seg.replicas.find((r) => r !== seg.leader)!);
    // a quorum ack does not wait for this follower: let it hold the whole segment first, so the cut below is of its
    // last record and `size` is the size of the complete file
    await expect
      .poll(async () => (await segmentsOn(victim.http, name))[0]?.endOffset, { timeout: 15_000 })
      .toBe(1000);
    await cluster.kill(victim);
    const shardDir = join(victim.dataDir, 'segments', 'torn', name);
    const file = join(shardDir, (await readdir(shardDir))[0]!);
    const size = (await stat(file)).size;
    await truncate(file, size - 5);
    await cluster.startJournal(victim);
    // it came up, cut the torn record, and the leader brought it back to the full segment
    await expect
      .poll(async () => (await segmentsOn(victim.http, name))[0]?.endOffset, { timeout: 15_000 })
      .toBe(1000);
    expect((await stat(file)).size).toBe(size);
    expect((await adapter.read('t', 995)).map((r) => r.payload.toString())).toEqual([
      'r995',
      'r996',
      'r997',
      'r998',
      'r999',
    ]);
  } finally {
    await adapter.close();
  }
}, 60_000);

/** sends raw bytes and collects what comes back until the server closes or `ms` pass. */
function raw(port: number, bytes: Buffer, ms = 500): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => {
      closed = true;
      resolve({ data: Buffer.concat(chunks), closed });
    });
    socket.on('error', () => {});
    socket.write(bytes);
    setTimeout(() => {
      if (!closed) {
        socket.destroy();
        resolve({ data: Buffer.concat(chunks), closed: false });
      }
    }, ms);
  });
}

function errorCodeOf(data: Buffer): string {
  expect(data.length).toBeGreaterThan(13);
  expect(data[4]).toBe(0xff);
  const headerLength = data.readUInt32BE(9);
  return (JSON.parse(data.toString('utf8', 13, 13 + headerLength)) as { code: string }).code;
}

it('answers bad frames with error codes and stays up', async () => {
  const node = cluster.journals[0]!;
  // an oversized length: FRAME_TOO_LARGE, then the connection is closed (nothing after it can be found again)
  const huge = Buffer.alloc(9);
  huge.writeUInt32BE(0xfffffff0, 0);
  let res = await raw(node.data, huge);
  expect(errorCodeOf(res.data)).toBe('FRAME_TOO_LARGE');
  expect(res.closed).toBe(true);
  // a length too short to hold type and id
  res = await raw(node.data, Buffer.from([0, 0, 0, 1, 7]));
  expect(errorCodeOf(res.data)).toBe('BAD_FRAME');
  // random garbage
  res = await raw(node.data, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  expect(['FRAME_TOO_LARGE', 'BAD_FRAME']).toContain(errorCodeOf(res.data));

  // on a well-framed connection: unknown type, bad header, unknown shard each get an answer and the connection lives on
  const conn = new JournalConnection(`127.0.0.1:${node.data}`);
  try {
    await expect(conn.request(0x42, {})).rejects.toMatchObject({ code: 'UNKNOWN_TYPE' });
    await expect(conn.request(JOURNAL_MESSAGE.Read, { namespace: 'x' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/shard/),
    });
    await expect(
      conn.request(JOURNAL_MESSAGE.Read, { namespace: 'nope', shard: 'nope', segment: 0, offset: 0 }),
    ).rejects.toMatchObject({ code: 'SHARD_NOT_FOUND' });
    await expect(
      conn.request(JOURNAL_MESSAGE.Append, { namespace: 'nope', shard: 'nope', segment: 0 }, [
        Buffer.from([0, 0, 0, 3, 1, 2, 3]),
      ]),
    ).rejects.toMatchObject({ code: 'CORRUPT_RECORD' });
    await expect(
      conn.request(JOURNAL_MESSAGE.Append, { namespace: '../x', shard: 'y', segment: 0 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // a header that is not JSON
    const frame = Buffer.concat(encodeFrame(JOURNAL_MESSAGE.Read, 1, {}));
    frame.write('{', 13);
    res = await raw(node.data, frame);
    expect(errorCodeOf(res.data)).toBe('BAD_REQUEST');
    expect(res.closed).toBe(false);
    const state = await conn
      .request(JOURNAL_MESSAGE.SegmentState, { namespace: 'nope', shard: 'nope', segment: 0 })
      .catch((e: { code: string }) => e.code);
    expect(state).toBe('SHARD_NOT_FOUND');
  } finally {
    conn.close();
  }
  const health = await fetch(`http://127.0.0.1:${node.http}/health`);
  expect(((await health.json()) as { status: string }).status).toBe('ok');
});
