// Shared subscriptions when a member's broker dies, with real processes (a placement center, a journal server and
// three brokers on 127.0.0.1): members of one `$share` group on brokers 1 and 2 split a QoS 1 stream published on
// broker 3; mid-stream broker 1 is SIGKILLed. What it had sent its member but not had acknowledged, and what it was to
// serve while it was dying, must reach a remaining member: every message acknowledged to the publisher reaches some
// member (cluster/shared-groups.ts). The test prints what it counted. A second test kills a broker with two members
// of a group — one that never acknowledges, one that acknowledges everything — and expects exactly the first one's
// messages handed to the member on another broker: what was acknowledged is not sent again. A third stops a member's
// broker cleanly (SIGTERM) mid-stream: the same hand-over, nothing lost, at most the member's in-flight window given
// twice. A fourth restarts a broker with the same node id: the records of its previous life (and a late write of
// one) must not make the others route part of the stream to it while it has no member.
import type { MqttClient } from 'mqtt';
import { expect, test } from 'vitest';
import { DuplicateAges, RawClient, sleep, useProcessCluster, waitFor } from '@robustmq/testing';

const COUNT = Number(process.env.CLUSTER_SHARED_COUNT ?? 1500);
const WINDOW = 20;

const cluster = useProcessCluster(1, { brokers: 3 });

function connect(clientId: string, first: number, others: number[]): Promise<MqttClient> {
  return cluster.mqttClient([first, ...others], {
    clientId,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 200,
  });
}

test("a shared group member's broker SIGKILLed mid-stream: every acknowledged message reaches some member", async () => {
  const received: number[] = [];
  /** seq → when member-1 first got it from broker 1 (the one killed) */
  const firstOnDeadBroker = new Map<number, number>();
  let killedAt = 0;
  /** member-1's first connection (to broker 1) is gone */
  let leftDeadBroker = false;
  // the member on broker 1 reconnects to broker 2 when it loses its broker (and subscribes again: clean session)
  const members = [await connect('member-1', 1, [2]), await connect('member-2', 2, [])];
  for (const [i, member] of members.entries()) {
    member.on('message', (_topic, payload) => {
      const seq = Number(payload.toString());
      received.push(seq);
      if (i === 0 && !leftDeadBroker && !firstOnDeadBroker.has(seq)) firstOnDeadBroker.set(seq, Date.now());
    });
    await member.subscribeAsync('$share/g/shared/#', { qos: 1 });
  }
  members[0]!.once('close', () => (leftDeadBroker = true));
  // both brokers' records reach every broker's view (refreshed every 500 ms)
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const publisher = await connect('shared-publisher', 3, []);
  const acked = new Set<number>();
  const started = Date.now();
  let next = 0;
  let killed = false;
  const worker = async (): Promise<void> => {
    while (next < COUNT) {
      const seq = next++;
      if (seq === Math.floor(COUNT * 0.3) && !killed) {
        killed = true;
        killedAt = Date.now();
        await cluster.broker(1).process.kill('SIGKILL');
      }
      try {
        await publisher.publishAsync(`shared/${seq % 4}`, String(seq), { qos: 1 });
        acked.add(seq);
      } catch {
        // not acknowledged: not owed to anyone
      }
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  const publishSeconds = (Date.now() - started) / 1000;
  const missing = (): number => {
    const got = new Set(received);
    let lost = 0;
    for (const seq of acked) if (!got.has(seq)) lost++;
    return lost;
  };
  await waitFor('every acknowledged message at some member', () => missing() === 0, {
    timeoutMs: 30_000,
    intervalMs: 250,
    detail: () => `${missing()} missing`,
  }).catch(() => undefined);
  const got = new Set(received);
  // where the duplicates come from: messages the dead broker's member had got, by how long before the kill — what it
  // had not acknowledged when it died is owed again (at least once); older ones are position-commit lag
  const counts = new Map<number, number>();
  for (const seq of received) counts.set(seq, (counts.get(seq) ?? 0) + 1);
  const byAge = new DuplicateAges();
  for (const [seq, n] of counts) if (n > 1) byAge.count(killedAt, firstOnDeadBroker.get(seq), n - 1);
  const lostSamples = [...acked].filter((seq) => !got.has(seq)).slice(0, 10);
  const summary = {
    sent: COUNT,
    acked: acked.size,
    delivered: received.length,
    duplicates: received.length - got.size,
    lost: missing(),
    lostSamples,
    duplicatesByAgeAtKill: byAge,
    publishSeconds,
  };
  console.log(`shared group hand-over test: ${JSON.stringify(summary)}`);
  expect(acked.size).toBeGreaterThan(COUNT * 0.9);
  expect(summary.lost).toBe(0);
}, 120_000);

test("a dead broker's unacknowledged shared messages are handed over, its acknowledged ones are not", async () => {
  // (after the test above: broker 1 is dead; broker 4 joins for this test)
  const broker4 = await cluster.addBroker(4);
  const filter = '$share/h/handed/#';
  // on broker 4: a member that never acknowledges (its broker keeps each message in flight) and one that does
  const [silent] = await RawClient.connected(broker4.mqtt, 'silent-member', {
    clean: true,
    connackTimeoutMs: 10_000,
  });
  silent.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 1 }] });
  await silent.next('suback', 10_000);
  const acking = await cluster.mqttClient([4], { clientId: 'acking-member', protocolVersion: 5 });
  const ackedHere: string[] = [];
  acking.on('message', (_topic, payload) => ackedHere.push(payload.toString()));
  await acking.subscribeAsync(filter, { qos: 1 });
  const survivor = await connect('survivor-member', 2, []);
  const survivorGot: string[] = [];
  survivor.on('message', (_topic, payload) => survivorGot.push(payload.toString()));
  await survivor.subscribeAsync(filter, { qos: 1 });
  await sleep(1_500); // every broker's view has the group on brokers 2 and 4
  const publisher = await connect('handed-publisher', 3, []);
  const count = 60;
  for (let i = 0; i < count; i++) await publisher.publishAsync(`handed/${i % 3}`, `h${i}`, { qos: 1 });
  const silentGot = (): string[] =>
    silent.packets
      .filter((p) => p.cmd === 'publish')
      .map((p) => (p as { payload: Buffer }).payload.toString());
  await waitFor(
    'every message at a member',
    () => silentGot().length + ackedHere.length + survivorGot.length >= count,
    { timeoutMs: 15_000 },
  );
  await sleep(500); // broker 4 records its members' acknowledgements (every few ms)
  const unacknowledged = silentGot();
  const beforeKill = survivorGot.length;
  expect(unacknowledged.length).toBeGreaterThan(0);
  expect(ackedHere.length).toBeGreaterThan(0);
  await broker4.process.kill('SIGKILL');
  silent.destroy();
  // placement expires broker 4, broker 2 hands its part over
  await waitFor(
    "the silent member's messages at the survivor",
    () => survivorGot.length - beforeKill >= unacknowledged.length,
    { timeoutMs: 20_000, detail: () => `${survivorGot.length - beforeKill} of ${unacknowledged.length}` },
  );
  await sleep(1_000); // anything handed over beyond them arrives too
  const handed = survivorGot.slice(beforeKill);
  console.log(
    `shared group hand-over of acknowledged vs unacknowledged: ${JSON.stringify({
      unacknowledged: unacknowledged.length,
      acknowledgedOnDeadBroker: ackedHere.length,
      handed: handed.length,
      acknowledgedHandedAgain: handed.filter((m) => ackedHere.includes(m)).length,
    })}`,
  );
  expect(handed.sort()).toEqual([...unacknowledged].sort());
}, 120_000);

/** Publishes `count` QoS 1 messages `<prefix><seq>` on `topic(seq)` with WINDOW publishes in flight; calls `at(seq)`
 * before publishing seq; returns the acknowledged ones. */
async function stream(
  publisher: MqttClient,
  count: number,
  topic: (seq: number) => string,
  at: (seq: number) => Promise<void> = async () => undefined,
): Promise<Set<number>> {
  const acked = new Set<number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const seq = next++;
      await at(seq);
      try {
        await publisher.publishAsync(topic(seq), String(seq), { qos: 1 });
        acked.add(seq);
      } catch {
        // not acknowledged: not owed to anyone
      }
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  return acked;
}

test("a shared group member's broker stopped cleanly (SIGTERM) mid-stream: nothing lost, at most its window twice", async () => {
  // brokers 2 and 3 run (1 and 4 are dead); broker 5 joins, one member of the group on it and one on broker 2
  const broker5 = await cluster.addBroker(5);
  const memberWindow = 100;
  const received: number[] = [];
  const members: MqttClient[] = [];
  for (const [clientId, first, others] of [
    ['term-member-5', 5, [2]],
    ['term-member-2', 2, []],
  ] as const) {
    const client = await cluster.mqttClient([first, ...others], {
      clientId,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 200,
      // the member's in-flight window: what it may acknowledge after its broker's last record
      properties: { receiveMaximum: memberWindow },
    });
    client.on('message', (_topic, payload) => received.push(Number(payload.toString())));
    await client.subscribeAsync('$share/t/term/#', { qos: 1 });
    members.push(client);
  }
  await sleep(1_500); // every broker's view has the group on brokers 2 and 5
  const publisher = await connect('term-publisher', 3, []);
  const count = Math.min(COUNT, 1000);
  let stopped: Promise<void> | undefined;
  const started = Date.now();
  const acked = await stream(
    publisher,
    count,
    (seq) => `term/${seq % 4}`,
    async (seq) => {
      // paced (~3 s in all), so that the stream goes on well after broker 5 has stopped
      const due = started + seq * 3;
      if (due > Date.now()) await sleep(due - Date.now());
      if (seq === Math.floor(count * 0.3)) stopped = broker5.process.kill('SIGTERM');
    },
  );
  await stopped;
  const missing = (): number => {
    const got = new Set(received);
    return [...acked].filter((seq) => !got.has(seq)).length;
  };
  await waitFor('every acknowledged message at some member', () => missing() === 0, {
    timeoutMs: 20_000,
    intervalMs: 250,
    detail: () => `${missing()} missing`,
  }).catch(() => undefined);
  await sleep(500); // anything given twice arrives too
  const summary = {
    sent: count,
    acked: acked.size,
    delivered: received.length,
    duplicates: received.length - new Set(received).size,
    lost: missing(),
    memberWindow,
  };
  console.log(`shared group clean-stop hand-over test: ${JSON.stringify(summary)}`);
  expect(acked.size).toBeGreaterThan(count * 0.9);
  expect(summary.lost).toBe(0);
  // given twice: only what the stopped broker's member acknowledged after its last record, its window at most
  expect(summary.duplicates).toBeLessThanOrEqual(memberWindow);
}, 120_000);

test('a broker restarted with the same node id: no record of its previous life gets messages', async () => {
  // brokers 2 and 3 run; broker 6 has a member of the group, broker 2 another
  const broker6 = await cluster.addBroker(6);
  const filter = '$share/r/restart/#';
  const gone = await cluster.mqttClient([6], { clientId: 'restart-member-6', protocolVersion: 5 });
  await gone.subscribeAsync(filter, { qos: 1 });
  const stays = await connect('restart-member-2', 2, []);
  const received: number[] = [];
  stays.on('message', (_topic, payload) => received.push(Number(payload.toString())));
  await stays.subscribeAsync(filter, { qos: 1 });
  await sleep(1_500); // every broker's view has the group on brokers 2 and 6
  // broker 6 dies and comes back as a new life with the same id; its member does not come back
  await broker6.process.kill('SIGKILL');
  gone.end(true);
  await broker6.process.start(broker6.http);
  // a late write of the previous life's members record (a broker stopping, or partitioned, writing after the restart)
  const placement = cluster.client();
  const record = 'mqtt/share-members/r/restart/#/6';
  await placement.kv.set(record, 'an-earlier-life');
  await sleep(1_500); // the new life deletes it; every broker refreshes its view
  const publisher = await connect('restart-publisher', 3, []);
  const count = 200;
  const acked = await stream(publisher, count, (seq) => `restart/${seq % 4}`);
  const missing = (): number => {
    const got = new Set(received);
    return [...acked].filter((seq) => !got.has(seq)).length;
  };
  await waitFor('every acknowledged message at the member on broker 2', () => missing() === 0, {
    timeoutMs: 10_000,
    intervalMs: 250,
    detail: () => `${missing()} missing`,
  }).catch(() => undefined);
  const staleRecord = await placement.kv.get(record);
  console.log(
    `shared group restart test: ${JSON.stringify({ sent: count, acked: acked.size, delivered: received.length, lost: missing(), staleRecordLeft: staleRecord?.toString() ?? null })}`,
  );
  expect(acked.size).toBe(count);
  expect(missing()).toBe(0);
  expect(staleRecord).toBeUndefined();
}, 120_000);

test('the last member of a group on a broker disconnects on its own: its unacknowledged messages go to a member elsewhere, once', async () => {
  // brokers 2, 3 and 6 run; broker 7 joins with the group's only member there, one that never acknowledges
  const broker7 = await cluster.addBroker(7);
  const filter = '$share/q/quit/#';
  const [silent] = await RawClient.connected(broker7.mqtt, 'quitting-member', {
    clean: true,
    connackTimeoutMs: 10_000,
  });
  silent.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 1 }] });
  await silent.next('suback', 10_000);
  const survivor = await connect('quit-survivor', 2, []);
  const survivorGot: string[] = [];
  survivor.on('message', (_topic, payload) => survivorGot.push(payload.toString()));
  await survivor.subscribeAsync(filter, { qos: 1 });
  await sleep(1_500); // every broker's view has the group on brokers 2 and 7
  const publisher = await connect('quit-publisher', 3, []);
  const count = 60;
  for (let i = 0; i < count; i++) await publisher.publishAsync(`quit/${i % 3}`, `q${i}`, { qos: 1 });
  const silentGot = (): string[] =>
    silent.packets
      .filter((p) => p.cmd === 'publish')
      .map((p) => (p as { payload: Buffer }).payload.toString());
  await waitFor('every message at a member', () => silentGot().length + survivorGot.length >= count, {
    timeoutMs: 15_000,
  });
  const unacknowledged = silentGot();
  const before = survivorGot.length;
  expect(unacknowledged.length).toBeGreaterThan(0);
  // the member goes away on its own (its broker runs on): a clean session ends, nobody gets these again but the group
  silent.destroy();
  await waitFor(
    "the quitting member's messages at the survivor",
    () => survivorGot.length - before >= unacknowledged.length,
    { timeoutMs: 15_000, detail: () => `${survivorGot.length - before} of ${unacknowledged.length}` },
  );
  // the stream goes on: all of it to the survivor now
  for (let i = count; i < count + 30; i++) await publisher.publishAsync(`quit/${i % 3}`, `q${i}`, { qos: 1 });
  await waitFor(
    'the later messages at the survivor',
    () => survivorGot.length - before >= unacknowledged.length + 30,
    {
      timeoutMs: 15_000,
    },
  );
  await sleep(1_000); // anything handed over twice would arrive by now
  const handed = survivorGot.slice(before);
  const all = [...silentGot(), ...survivorGot];
  console.log(
    `shared group hand-over when the last member leaves: ${JSON.stringify({
      unacknowledged: unacknowledged.length,
      handed: handed.length - 30,
      duplicatesAtSurvivor: survivorGot.length - new Set(survivorGot).size,
    })}`,
  );
  expect(survivorGot.length - new Set(survivorGot).size).toBe(0);
  expect(handed.filter((m) => unacknowledged.includes(m)).sort()).toEqual([...unacknowledged].sort());
  for (let i = 0; i < count + 30; i++) expect(all, `q${i} at some member`).toContain(`q${i}`);
}, 120_000);
