// Durability across a crash, with real processes (node dist/main.js --config <toml>) on the suite's storage
// (MQTT_TEST_STORAGE: rocksdb by default, journal in the mqtt-broker-journal project). QoS 1 and QoS 2 messages for
// an offline persistent session are acknowledged, the broker is killed with SIGKILL right after the last
// acknowledgement, restarted, and the session receives all of them, in order per QoS level. On journal storage the
// placement center and the journal server are processes too, and the journal server is SIGKILLed as well: once after
// its last acknowledgement, and once in the middle of a stream (the publisher's messages wait for it to come back:
// every one is acknowledged and arrives once the broker's retried appends go through).
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { beforeAll, expect, it } from 'vitest';
import {
  buildOnce,
  collect,
  connectClient,
  freePort,
  mqttBrokerProcess,
  ProcessCluster,
  type ServiceProcess,
  sleep,
  tempDir,
  testScope,
  waitFor,
  type Sections,
} from '@robustmq/testing';
import { testStorageType } from '@robustmq/testing/broker';

const storage = testStorageType();
const scope = testScope();
// RESTART_TEST_KEEP=1 keeps the data dirs and each service's log (<dir>/<test>/*.log) for a look after a failure
const keep = Boolean(process.env.RESTART_TEST_KEEP);
const dir = keep ? tempDir('mqtt-restart') : tempDir('mqtt-restart', scope);
if (keep) scope.defer(() => console.log(`restart test: data and logs kept in ${dir}`));

beforeAll(() => buildOnce(), 120_000);

function mqttUp(url: string) {
  return async () => {
    const probe = await connectClient(url, { clientId: `probe-${Date.now()}`, connectTimeout: 500 });
    await probe.endAsync(true);
    return true;
  };
}

interface Cluster {
  url: string;
  startBroker(): Promise<ServiceProcess>;
  /** the journal server process (journal storage only). */
  journal?: ServiceProcess;
  startJournal?: () => Promise<void>;
}

/** `name`: each test's own directory under the file's, so two tests never share data or a process. */
async function setUp(name: string): Promise<Cluster> {
  const under = join(dir, name);
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const url = `mqtt://127.0.0.1:${mqttPort}`;
  const broker = (sections: Sections) =>
    mqttBrokerProcess({ dir: under, mqttPort, httpPort, sections, scope, keepLog: true });
  if (storage !== 'journal') {
    const b = broker({ placement: { enabled: false }, storage: { type: storage } });
    return { url, startBroker: () => b.startUntil(mqttUp(url)) };
  }
  // the placement center and a journal server as processes, each with its log in <under>/<pc1|js1>.log; placement's
  // production heartbeat timers, so a broker SIGKILLed and restarted is never declared dead meanwhile
  const pc = scope.add(
    new ProcessCluster({
      dir: under,
      logFiles: true,
      placementOverrides: { heartbeat: { timeout_ms: 10_000, check_interval_ms: 1_000 } },
    }),
  );
  await pc.start(1);
  const node = pc.journal(1);
  // storage type unset on purpose: a broker whose placement lists a journal server picks journal by itself
  const b = broker({ placement: { addresses: pc.placementAddresses, heartbeat_interval_ms: 500 } });
  return {
    url,
    startBroker: () => b.startUntil(mqttUp(url)),
    journal: node.process,
    startJournal: () => pc.startJournal(node),
  };
}

/** publishes `count` messages `<tag>-<i>` at `qos`, at most `window` unacknowledged; returns the acknowledged ones. */
async function publishStream(
  pub: MqttClient,
  tag: string,
  count: number,
  qos: 1 | 2,
  window = 500,
): Promise<string[]> {
  const acked: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < count) {
        const payload = `${tag}-${next++}`;
        try {
          await pub.publishAsync('crash/t', payload, { qos });
          acked.push(payload);
        } catch {
          return; // the connection broke: what was not acknowledged may be lost
        }
      }
    }),
  );
  return acked;
}

it(`keeps every acknowledged QoS 1 and QoS 2 message across SIGKILL of the broker${storage === 'journal' ? ' and of the journal server' : ''} (${storage})`, async () => {
  const cluster = await setUp('after-acks');
  let broker = await cluster.startBroker();

  const sub = await connectClient(cluster.url, { clientId: 'crash-sub', clean: false });
  await sub.subscribeAsync('crash/t', { qos: 2 });
  await sub.endAsync();

  const pub = await connectClient(cluster.url, { clientId: 'crash-pub' });
  const expected = [
    ...(await publishStream(pub, 'q1', 10_000, 1)),
    ...(await publishStream(pub, 'q2', 1_000, 2)),
  ];
  expect(expected).toHaveLength(11_000);
  await broker.kill('SIGKILL'); // every acknowledgement is in: nothing acknowledged may be lost now
  pub.end(true);
  broker = await cluster.startBroker();

  if (cluster.startJournal) {
    // the journal server dies right after acknowledging, and then again in the middle of a stream
    const pub2 = await connectClient(cluster.url, { clientId: 'crash-pub2' });
    expected.push(...(await publishStream(pub2, 'j1', 2_000, 1)));
    await cluster.journal!.kill('SIGKILL');
    await cluster.startJournal();
    const stream = publishStream(pub2, 'j2', 6_000, 1);
    await sleep(300);
    await cluster.journal!.kill('SIGKILL');
    await sleep(500);
    await cluster.startJournal();
    const acked = await stream;
    // the publisher waited through the journal's restart: every message of the stream was acknowledged in the end
    expect(acked).toHaveLength(6_000);
    expected.push(...acked.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3))));
    await pub2.endAsync();
  }

  const resumed = await connectClient(cluster.url, { clientId: 'crash-sub', clean: false });
  expect(
    (resumed as unknown as { connackPacket: { sessionPresent: boolean } }).connackPacket.sessionPresent,
  ).toBe(true);
  const got = collect(resumed);
  const messages = await got.waitFor(expected.length, 30_000);
  await sleep(200);
  // at least once for QoS 1 (a journal append retried after a lost answer may store a message twice), exactly once
  // for QoS 2; in publish order per QoS level (MQTT-4.6.0-6 orders a topic per QoS: a QoS 2 message in its
  // four-way handshake may be overtaken by later QoS 1 messages)
  const payloads = got.messages.map((m) => m.payload);
  const firstSeen = payloads.filter((p, i) => payloads.indexOf(p) === i);
  const isQos2 = (p: string) => p.startsWith('q2-');
  expect(firstSeen.filter(isQos2)).toEqual(expected.filter(isQos2));
  expect(firstSeen.filter((p) => !isQos2(p))).toEqual(expected.filter((p) => !isQos2(p)));
  expect(firstSeen).toHaveLength(expected.length);
  expect(
    messages.filter(
      (m) => isQos2(m.payload) && payloads.indexOf(m.payload) !== payloads.lastIndexOf(m.payload),
    ),
  ).toEqual([]);
  await resumed.endAsync();
  await broker.kill('SIGTERM');
}, 120_000);

it(`delivers every QoS 1 message acknowledged before a SIGKILL of the broker in the middle of a stream (${storage})`, async () => {
  const cluster = await setUp('mid-stream');
  let broker = await cluster.startBroker();
  const sub = await connectClient(cluster.url, { clientId: 'mid-sub', clean: false });
  await sub.subscribeAsync('mid/t', { qos: 1 });
  await sub.endAsync();

  // 200 messages in flight when the broker dies: some acknowledged a moment ago, some still on their way
  const pub = await connectClient(cluster.url, { clientId: 'mid-pub' });
  const acked: string[] = [];
  let next = 0;
  let stopped = false;
  for (let w = 0; w < 200; w++) {
    void (async () => {
      while (!stopped) {
        const payload = `m-${next++}`;
        try {
          await pub.publishAsync('mid/t', payload, { qos: 1 });
          acked.push(payload);
        } catch {
          return;
        }
      }
    })();
  }
  await waitFor('3,000 acknowledged messages', () => acked.length >= 3_000 || undefined, {
    timeoutMs: 30_000,
  });
  await broker.kill('SIGKILL');
  await new Promise<void>((resolve) => (pub.connected ? pub.once('close', () => resolve()) : resolve()));
  stopped = true;
  const expected = new Set(acked);
  pub.end(true);
  broker = await cluster.startBroker();

  // listening before CONNECT: the queued messages may arrive in the CONNACK's read
  let got!: ReturnType<typeof collect>;
  const resumed = await connectClient(
    cluster.url,
    { clientId: 'mid-sub', clean: false },
    undefined,
    (c) => (got = collect(c)),
  );
  await waitFor(
    `all ${expected.size} acknowledged messages`,
    () => {
      const seen = new Set(got.messages.map((m) => m.payload));
      return [...expected].every((p) => seen.has(p)) || undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250, detail: () => `${got.messages.length} received` },
  );
  await resumed.endAsync();
  await broker.kill('SIGTERM');
}, 120_000);
