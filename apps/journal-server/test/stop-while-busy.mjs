// Child process of stop-while-busy.test.ts (a native crash would take the vitest worker with it, so the test runs
// this and checks its exit code): an in-process journal server from the test kit is stopped (1) while a client's
// Read long poll waits, (2) right after an append, its index batch still pending, (3) while reads and appends
// stream in. Prints one JSON line: what each pending request ended with, and what a restart reads back.
import { JOURNAL_MESSAGE, JournalConnectionPool, batchParts, encodeRecord } from '@robustmq/protocol/journal';
import { startTestJournal } from '@robustmq/testing/journal';
import { startTestPlacement } from '@robustmq/testing/placement';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = (promise) =>
  promise.then(
    () => 'ok',
    (err) => err.code ?? `not a JournalError: ${err.message}`,
  );

const placement = await startTestPlacement();
const client = placement.client();
const journal = await startTestJournal({ id: 1, placement: [placement.grpcAddress] });
const pool = new JournalConnectionPool();
const result = {};
try {
  await client.journal.createShard('stop', 's', { replicaCount: 1, acks: 'ACKS_ALL' });
  let seg;
  for (let i = 0; i < 200 && !seg; i++) {
    seg = (await client.journal.listSegments('stop', 's')).find((s) => s.status === 'SEGMENT_WRITE');
    if (!seg) await sleep(25);
  }
  const target = { namespace: 'stop', shard: 's', segment: seg.seq };
  const record = (key) =>
    Buffer.concat(
      batchParts([
        encodeRecord(0, { timestamp: Date.now(), key, tags: [], headers: [], payload: Buffer.from(key) }),
      ]),
    );
  const conn = () => pool.get(`127.0.0.1:${journal.ports.data}`);
  const append = (key) =>
    conn().request(JOURNAL_MESSAGE.Append, { ...target, epoch: seg.epoch }, [record(key)], 5000);
  const read = (offset, waitMs) =>
    conn().request(JOURNAL_MESSAGE.Read, { ...target, offset, waitMs }, [], 5000);

  // (1) a long poll at the end of the segment; its wait outlasts the stop
  await append('a');
  const poll = outcome(read(1, 1500));
  await sleep(100);
  await journal.stop();
  result.longPoll = await poll;
  await sleep(1800); // past the poll's own deadline: nothing may reach the closed store then

  // (2) an append whose index entries wait for their batch (every 200 ms) when the stop comes
  await journal.start();
  await append('b');
  await journal.stop();
  await sleep(400); // past the batch timer

  // (3) reads and appends streaming in while it stops
  await journal.start();
  await append('c'); // this server leads the segment again
  const appends = [];
  const reads = [];
  for (let i = 0; i < 20; i++) {
    appends.push(outcome(append(`d${i}`)));
    // a read, then a long poll at the end it reported
    reads.push(outcome(read(0, 0).then((r) => read(r.header.highWatermark, 1500))));
  }
  await sleep(2);
  await journal.stop();
  const appended = await Promise.all(appends);
  result.busy = [...new Set([...appended, ...(await Promise.all(reads))])].sort();
  result.acknowledged = 3 + appended.filter((o) => o === 'ok').length;
  await sleep(1200);

  // what was acknowledged is still there after a restart
  await journal.start();
  const back = await read(0, 0);
  result.restartedHighWatermark = back.header.highWatermark;
  const byKey = await conn().request(JOURNAL_MESSAGE.ReadByKey, { ...target, key: 'b' }, [], 5000);
  result.byKey = byKey.data.length > 0;
} finally {
  pool.closeAll();
  await journal.close();
  await placement.stop();
}
console.log(JSON.stringify(result));
