// Shared-group hand-overs that used to drop messages, with real processes (a placement center, a journal server and
// MQTT brokers on 127.0.0.1; cluster/shared-groups.ts). First: a broker handing a dead broker's part over is stopped
// cleanly (SIGTERM) before it has given all of it — its member's window is full, so the hand-over waits — and what
// it had not given must still reach the group (it is recorded in that broker's position, `h`, and handed over with
// the rest of its part). Second: a persistent member goes away with messages of the group in flight (they stay with
// its session, MQTT-4.4.0-1) and its session expires while it is offline: those messages go back to the group and
// reach the member on another broker (MQTT 5 §4.8.2). Third: a clean member leaves while another member of its group
// stays on its broker (its messages used to go with its session: only a group's last member here handed over).
// Fourth: a persistent member is away with messages in flight and its broker is SIGKILLed (they were only in that
// broker's memory; now in its held record). Fifth: a broker with more than 1,024 unacknowledged messages of a group,
// half of them a dead broker's part handed to it, dies (its record used to keep only the oldest as `r`: the handed
// ones were lost). Sixth: a group's only member leaves and a new one joins at once on the same broker (the position
// written at the close used to be overwritten by the new member's: lost). The tests print what they counted.
import type { MqttClient } from 'mqtt';
import { expect, test } from 'vitest';
import { RawClient, sleep, useProcessCluster, waitFor } from '@robustmq/testing';

const cluster = useProcessCluster(1, { brokers: 3 });

/** A member that never acknowledges: its broker keeps every message it got in flight. */
async function silentMember(
  broker: number,
  clientId: string,
  filter: string,
  properties: Record<string, unknown>,
  clean = true,
): Promise<{ client: RawClient; got: () => string[] }> {
  const [client, connack] = await RawClient.connected(cluster.broker(broker).mqtt, clientId, {
    version: 5,
    clean,
    properties,
    connackTimeoutMs: 10_000,
  });
  expect(connack.reasonCode ?? 0).toBe(0);
  client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 1 }] }, 5);
  await client.next('suback', 10_000);
  const got = (): string[] =>
    client.packets
      .filter((p) => p.cmd === 'publish')
      .map((p) => (p as { payload: Buffer }).payload.toString());
  return { client, got };
}

async function ackingMember(broker: number, clientId: string, filter: string): Promise<string[]> {
  const client: MqttClient = await cluster.mqttClient([broker], { clientId, protocolVersion: 5 });
  const got: string[] = [];
  client.on('message', (_topic, payload) => got.push(payload.toString()));
  await client.subscribeAsync(filter, { qos: 1 });
  return got;
}

test('a broker stopped cleanly in the middle of a hand-over: what it had not handed over reaches the group', async () => {
  const filter = '$share/m/mid/#';
  const count = 90; // 30 to each broker's member (offset mod 3)
  const window = 40; // broker 1's member: its own 30, then 10 of broker 3's part; the other 20 wait for room
  const m3 = await silentMember(3, 'mid-member-3', filter, {});
  const m1 = await silentMember(1, 'mid-member-1', filter, { receiveMaximum: window });
  const m2 = await ackingMember(2, 'mid-member-2', filter);
  await sleep(1_500); // every broker's view has the group on brokers 1, 2 and 3
  const publisher = await cluster.mqttClient([2], { clientId: 'mid-publisher', protocolVersion: 5 });
  for (let i = 0; i < count; i++) await publisher.publishAsync(`mid/${i % 3}`, `m${i}`, { qos: 1 });
  await waitFor('every message at a member', () => m1.got().length + m2.length + m3.got().length >= count, {
    timeoutMs: 15_000,
  });
  const own1 = m1.got().length;
  expect(own1).toBeLessThan(window);
  expect(m3.got().length).toBeGreaterThan(window - own1); // more than broker 1's member has room for
  // broker 3 dies; broker 1 (the lowest left) hands its unacknowledged messages to its member until the window is full
  await cluster.broker(3).process.kill('SIGKILL');
  m3.client.destroy();
  await waitFor('the hand-over at broker 1 waiting for room', () => m1.got().length >= window, {
    timeoutMs: 20_000,
    detail: () => `${m1.got().length} of ${window}`,
  });
  const handedTo1 = m1.got().length - own1;
  // broker 1 stops cleanly while its hand-over waits; broker 2 takes over its part, and the rest of broker 3's
  await cluster.broker(1).process.kill('SIGTERM');
  const distinct = (): number => new Set(m2).size;
  await waitFor('every message at the member on broker 2', () => distinct() >= count, {
    timeoutMs: 20_000,
    detail: () => `${distinct()} of ${count}`,
  }).catch(() => undefined);
  await sleep(500); // anything given twice arrives too
  const all = new Set(m2);
  const summary = {
    sent: count,
    ownAtBroker1: own1,
    handedToBroker1BeforeStop: handedTo1,
    unackedAtBroker3: m3.got().length,
    atBroker2: m2.length,
    distinctAtBroker2: all.size,
    lost: Array.from({ length: count }, (_, i) => `m${i}`).filter((m) => !all.has(m)).length,
  };
  console.log(`shared group hand-over interrupted by a clean stop: ${JSON.stringify(summary)}`);
  expect(summary.lost).toBe(0);
}, 120_000);

test("a persistent member's session expires while it is offline: its unacknowledged messages go to another member", async () => {
  // broker 2 runs (1 and 3 are gone); broker 4 joins with a persistent member that never acknowledges
  await cluster.addBroker(4);
  const filter = '$share/x/expiry/#';
  const expirySeconds = 2;
  const away = await silentMember(
    4,
    'expiring-member',
    filter,
    { sessionExpiryInterval: expirySeconds },
    false,
  );
  const stays = await ackingMember(2, 'staying-member', filter);
  await sleep(1_500); // every broker's view has the group on brokers 2 and 4
  const publisher = await cluster.mqttClient([2], { clientId: 'expiry-publisher', protocolVersion: 5 });
  const count = 40;
  for (let i = 0; i < count; i++) await publisher.publishAsync(`expiry/${i % 3}`, `x${i}`, { qos: 1 });
  await waitFor('every message at a member', () => away.got().length + stays.length >= count, {
    timeoutMs: 15_000,
  });
  const unacknowledged = away.got();
  expect(unacknowledged.length).toBeGreaterThan(0);
  const before = stays.length;
  // the member goes away; its session (and the messages in flight to it) waits for it on broker 4, then expires
  away.client.destroy();
  await waitFor(
    "the expired session's messages at the member on broker 2",
    () => unacknowledged.every((m) => stays.includes(m)),
    {
      timeoutMs: 20_000,
      detail: () => `${unacknowledged.filter((m) => stays.includes(m)).length} of ${unacknowledged.length}`,
    },
  ).catch(() => undefined);
  await sleep(500);
  const handed = stays.slice(before);
  const summary = {
    sent: count,
    unacknowledgedAtExpiredSession: unacknowledged.length,
    givenToOtherMember: handed.length,
    lost: unacknowledged.filter((m) => !stays.includes(m)).length,
    duplicatesAtOtherMember: stays.length - new Set(stays).size,
  };
  console.log(`shared group messages of an expired persistent session: ${JSON.stringify(summary)}`);
  expect(summary.lost).toBe(0);
  expect(summary.duplicatesAtOtherMember).toBe(0);
}, 120_000);

/** Publishes `count` QoS 1 messages `<prefix><i>` on topics `<topic>/<i mod 3>`, a hundred at a time. */
async function publishMany(client: MqttClient, topic: string, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + 100); j++)
      batch.push(client.publishAsync(`${topic}/${j % 3}`, `${prefix}${j}`, { qos: 1 }));
    await Promise.all(batch);
  }
}

test('a clean member leaves while another member of its group stays on the same broker: its unacknowledged messages go to a member, once', async () => {
  // brokers 2 and 4 run; on broker 2 a member that never acknowledges and one that does, on broker 4 another
  const filter = '$share/c/clean/#';
  const silent = await silentMember(2, 'clean-silent', filter, {});
  const stays2 = await ackingMember(2, 'clean-stays-2', filter);
  const stays4 = await ackingMember(4, 'clean-stays-4', filter);
  await sleep(1_500); // every broker's view has the group on brokers 2 and 4
  const publisher = await cluster.mqttClient([4], { clientId: 'clean-publisher', protocolVersion: 5 });
  const count = 60;
  await publishMany(publisher, 'clean', 'c', count);
  const received = (): number => silent.got().length + stays2.length + stays4.length;
  await waitFor('every message at a member', () => received() >= count, { timeoutMs: 15_000 });
  const unacknowledged = silent.got();
  expect(unacknowledged.length).toBeGreaterThan(0);
  // the clean member goes; broker 2 still has a member of the group, so its part does not move
  silent.client.destroy();
  const others = (): string[] => [...stays2, ...stays4];
  await waitFor(
    "the leaving member's messages at the others",
    () => unacknowledged.every((m) => others().includes(m)),
    {
      timeoutMs: 15_000,
      detail: () =>
        `${unacknowledged.filter((m) => others().includes(m)).length} of ${unacknowledged.length}`,
    },
  ).catch(() => undefined);
  await sleep(500); // anything given twice arrives too
  const all = others();
  const summary = {
    sent: count,
    unacknowledgedAtLeavingMember: unacknowledged.length,
    lost: unacknowledged.filter((m) => !all.includes(m)).length,
    duplicates: all.length - new Set(all).size,
  };
  console.log(
    `shared group messages of a clean member leaving a group that stays: ${JSON.stringify(summary)}`,
  );
  expect(summary.lost).toBe(0);
  expect(summary.duplicates).toBe(0);
}, 120_000);

test('a persistent member is away with messages in flight and its broker is SIGKILLed: they reach a member on another broker', async () => {
  // broker 5 joins with a persistent member that never acknowledges and a member that does; broker 2 has another
  const broker5 = await cluster.addBroker(5);
  const filter = '$share/a/away/#';
  const away = await silentMember(5, 'away-member', filter, { sessionExpiryInterval: 600 }, false);
  await ackingMember(5, 'away-stays-5', filter);
  const survivor = await ackingMember(2, 'away-survivor', filter);
  await sleep(1_500); // every broker's view has the group on brokers 2 and 5
  const publisher = await cluster.mqttClient([2], { clientId: 'away-publisher', protocolVersion: 5 });
  const count = 60;
  await publishMany(publisher, 'away', 'a', count);
  await waitFor('the away member has its messages', () => away.got().length >= 5, { timeoutMs: 15_000 });
  await sleep(300);
  const unacknowledged = away.got();
  // it goes away: its session keeps them on broker 5 for when it comes back (MQTT-4.4.0-1) ...
  away.client.destroy();
  await sleep(1_000); // broker 5 records that its away session holds them
  // ... but broker 5 dies before that: they were only in its memory
  await broker5.process.kill('SIGKILL');
  const before = survivor.length;
  await waitFor(
    "the away member's messages at the member on broker 2",
    () => unacknowledged.every((m) => survivor.includes(m)),
    {
      timeoutMs: 20_000,
      detail: () =>
        `${unacknowledged.filter((m) => survivor.includes(m)).length} of ${unacknowledged.length}`,
    },
  ).catch(() => undefined);
  await sleep(500);
  const summary = {
    sent: count,
    unacknowledgedAtAwayMember: unacknowledged.length,
    handedAfterKill: survivor.length - before,
    lost: unacknowledged.filter((m) => !survivor.includes(m)).length,
    duplicatesAtSurvivor: survivor.length - new Set(survivor).size,
  };
  console.log(`shared group messages of an away member whose broker died: ${JSON.stringify(summary)}`);
  expect(summary.lost).toBe(0);
  expect(summary.duplicatesAtSurvivor).toBe(0);
}, 120_000);

test('a broker with more than 1,024 unacknowledged messages of a group, some of them handed over to it, dies: none is lost', async () => {
  // brokers 2 and 4 run, broker 6 joins: members that never acknowledge on 2 (two, a window of 1,000 each) and on 6,
  // one that acknowledges on 4. Broker 6 dies: broker 2 (the lowest) gives 6's part to its members, which then hold
  // 2's own share and 6's, over 1,024; broker 2 dies: broker 4 must get both
  const broker6 = await cluster.addBroker(6);
  const filter = '$share/b/big/#';
  const window = { receiveMaximum: 1_000 };
  const x1 = await silentMember(2, 'big-2a', filter, window);
  const x2 = await silentMember(2, 'big-2b', filter, window);
  const z = await silentMember(6, 'big-6', filter, window);
  const y = await ackingMember(4, 'big-4', filter);
  await sleep(1_500); // every broker's view has the group on brokers 2, 4 and 6
  const publisher = await cluster.mqttClient([4], { clientId: 'big-publisher', protocolVersion: 5 });
  const count = 1_800;
  await publishMany(publisher, 'big', 'b', count);
  const atX = (): number => x1.got().length + x2.got().length;
  await waitFor('every message at a member', () => atX() + z.got().length + y.length >= count, {
    timeoutMs: 30_000,
  });
  const own = atX();
  await broker6.process.kill('SIGKILL');
  z.client.destroy();
  await waitFor("broker 6's part at broker 2's members", () => atX() >= own + z.got().length, {
    timeoutMs: 30_000,
    detail: () => `${atX() - own} of ${z.got().length}`,
  });
  await sleep(1_000); // broker 2 records its position
  const pending = atX();
  await cluster.broker(2).process.kill('SIGKILL');
  const want = [...x1.got(), ...x2.got()];
  await waitFor('everything broker 2 had at the member on broker 4', () => want.every((m) => y.includes(m)), {
    timeoutMs: 30_000,
    detail: () => `${want.filter((m) => y.includes(m)).length} of ${want.length}`,
  }).catch(() => undefined);
  const summary = {
    sent: count,
    unacknowledgedAtBroker2: pending,
    handedOverToIt: pending - own,
    lost: want.filter((m) => !y.includes(m)).length,
    givenTwiceAtBroker4: y.length - new Set(y).size,
  };
  console.log(`shared group position over 1,024 unacknowledged: ${JSON.stringify(summary)}`);
  expect(pending).toBeGreaterThan(1_024);
  expect(summary.lost).toBe(0);
}, 180_000);

test("a group's only member leaves and a new one joins at once on the same broker: the first one's unacknowledged messages reach it", async () => {
  // broker 4 runs alone (2, 5 and 6 are gone): the group's members are all there, no other broker takes its part over
  const filter = '$share/re/recon/#';
  const first = await silentMember(4, 'recon-first', filter, {});
  const publisher = await cluster.mqttClient([4], { clientId: 'recon-publisher', protocolVersion: 5 });
  const count = 20;
  await publishMany(publisher, 'recon', 'r', count);
  await waitFor('every message at the first member', () => first.got().length >= count, {
    timeoutMs: 15_000,
  });
  // a clean client going and a new one coming at once (a reconnect): the group closes here and opens again
  first.client.destroy();
  const next = await ackingMember(4, 'recon-next', filter);
  await waitFor("the first member's messages at the next", () => new Set(next).size >= count, {
    timeoutMs: 15_000,
    detail: () => `${new Set(next).size} of ${count}`,
  }).catch(() => undefined);
  await sleep(500);
  const summary = {
    sent: count,
    unacknowledgedAtFirst: first.got().length,
    atNext: next.length,
    lost: first.got().filter((m) => !next.includes(m)).length,
    duplicates: next.length - new Set(next).size,
  };
  console.log(`shared group closed and opened again at once: ${JSON.stringify(summary)}`);
  expect(summary.lost).toBe(0);
  expect(summary.duplicates).toBe(0);
}, 120_000);

test("a group's only member leaves for good: the broker's records of the group are cleaned up", async () => {
  // broker 8 joins and is the group's only broker; after the member leaves, nobody is there to take its part over
  await cluster.addBroker(8);
  const filter = '$share/gc/gone/#';
  const member = await silentMember(8, 'gc-member', filter, {});
  const publisher = await cluster.mqttClient([8], { clientId: 'gc-publisher', protocolVersion: 5 });
  await publishMany(publisher, 'gone', 'g', 10);
  await waitFor('the messages at the member', () => member.got().length >= 10, { timeoutMs: 15_000 });
  member.client.destroy();
  const placement = cluster.client();
  let found: string[] = [];
  const records = async (): Promise<number> => {
    found = [];
    for (const prefix of ['mqtt/share-members/gc/gone/#/', 'mqtt/share-positions/gc/gone/#/'])
      found.push(...(await placement.kv.listPrefix(prefix, '', 100)).items.map((item) => item.key));
    return found.length;
  };
  await waitFor('the position and the leaving mark recorded', async () => (await records()) >= 2, {
    timeoutMs: 5_000,
    detail: () => found.join(', '),
  });
  // kept a while for a member joining again to take back, then gone
  await waitFor('no record of the group left', async () => (await records()) === 0, {
    timeoutMs: 30_000,
    intervalMs: 500,
    detail: () => found.join(', '),
  });
}, 120_000);
