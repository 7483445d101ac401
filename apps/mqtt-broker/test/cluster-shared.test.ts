// Shared subscriptions when a member's broker dies, with real processes (a placement center, a journal server and
// three brokers on 127.0.0.1): members of one `$share` group on brokers 1 and 2 split a QoS 1 stream published on
// broker 3; mid-stream broker 1 is SIGKILLed. What it had sent its member but not had acknowledged, and what it was to
// serve while it was dying, must reach a remaining member: every message acknowledged to the publisher reaches some
// member (cluster/shared-groups.ts). The test prints what it counted. A second test kills a broker with two members
// of a group — one that never acknowledges, one that acknowledges everything — and expects exactly the first one's
// messages handed to the member on another broker: what was acknowledged is not sent again.
import type { MqttClient } from 'mqtt';
import { expect, test } from 'vitest';
import {
  RawClient,
  connectPacket,
  countDuplicateAge,
  emptyDuplicateAges,
  sleep,
  useProcessCluster,
  waitFor,
} from '@robustmq/testing';

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
  const byAge = emptyDuplicateAges();
  for (const [seq, n] of counts)
    if (n > 1) countDuplicateAge(byAge, killedAt, firstOnDeadBroker.get(seq), n - 1);
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
  const silent = await RawClient.open(broker4.mqtt, 4);
  silent.send(connectPacket('silent-member', { clean: true }));
  await silent.next('connack', 10_000);
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
