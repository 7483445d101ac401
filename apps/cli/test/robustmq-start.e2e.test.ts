// `robustmq start` as a user runs it: all three services in one process, then mosquitto_pub → mosquitto_sub through
// the broker, both data-plane services listed by placement, the broker's messages stored on the journal server (the
// designed data path: no [storage] type set, a journal role in the process), and a clean stop on SIGTERM.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  freePort,
  killAll,
  type Proc,
  mosquitto,
  registeredNodes,
  runCommand,
  runNode,
  tempDir,
  testScope,
  waitFor,
} from '@robustmq/testing';

const scope = testScope();
const dir = tempDir('start', scope);
let proc: Proc;
let ports: { pcGrpc: number; pcHttp: number; jsHttp: number; mqtt: number; brokerHttp: number };

beforeAll(async () => {
  ports = {
    pcGrpc: await freePort(),
    pcHttp: await freePort(),
    jsHttp: await freePort(),
    mqtt: await freePort(),
    brokerHttp: await freePort(),
  };
  writeFileSync(
    join(dir, 'placement-center.toml'),
    `[network]\nhost = "127.0.0.1"\ngrpc_port = ${ports.pcGrpc}\nhttp_port = ${ports.pcHttp}\n`,
  );
  writeFileSync(
    join(dir, 'journal-server.toml'),
    `[network]\nhost = "127.0.0.1"\nhttp_port = ${ports.jsHttp}\ndata_port = 0\ngrpc_port = 0\n`,
  );
  writeFileSync(join(dir, 'kafka-broker.toml'), `[network]\nhost = "127.0.0.1"\nport = 0\nhttp_port = 0\n`);
  writeFileSync(
    join(dir, 'mqtt-broker.toml'),
    `[network]\nhost = "127.0.0.1"\ntcp_port = ${ports.mqtt}\nhttp_port = ${ports.brokerHttp}\nws_port = 0\ngrpc_port = 0\n`,
  );
  proc = runNode('apps/cli/dist/robustmq.js', [
    'start',
    '--config-dir',
    dir,
    '--data-dir',
    join(dir, 'data'),
  ]);
});
afterAll(() => {
  killAll();
});

it('runs every service; the broker and journal server register with placement', async () => {
  const http = `http://127.0.0.1:${ports.pcHttp}`;
  await waitFor(
    'broker and journal server registered',
    async () => {
      const [brokers, journals] = await Promise.all([
        registeredNodes(http, 'MQTT_BROKER'),
        registeredNodes(http, 'JOURNAL_SERVER'),
      ]);
      return brokers.length === 1 && journals.length === 1;
    },
    { timeoutMs: 20_000, detail: proc.output },
  );
  const [broker] = await registeredNodes(http, 'MQTT_BROKER');
  expect(broker!.ports).toMatchObject({ mqtt: ports.mqtt, http: ports.brokerHttp });
});

it('delivers mosquitto_pub → mosquitto_sub through the broker', async () => {
  const sub = mosquitto.sub({ port: ports.mqtt, topic: 'a/#', count: 1, verbose: true, waitSeconds: 10 });
  // publish until the subscriber (connecting concurrently) has received one message
  let received: { code: number | null; output: string } | undefined;
  void sub.then((r) => (received = r));
  await waitFor(
    'mosquitto_sub to receive',
    async () => {
      if (received) return true;
      await mosquitto.pub({ port: ports.mqtt, topic: 'a/b', message: 'hi' });
      return undefined;
    },
    { timeoutMs: 10_000 },
  );
  expect(received!.code).toBe(0);
  expect(received!.output.trim()).toBe('a/b hi');
});

it("stores the broker's messages on the journal server", async () => {
  expect(proc.output()).toMatch(/"storage":"journal","chosenBy":"journal servers registered"/);
  const published = await mosquitto.pub({ port: ports.mqtt, topic: 'j/1', message: 'durable', qos: 1 });
  expect(published.code, published.output).toBe(0);
  const shardsOf = async (namespace: string) =>
    (
      (await (
        await fetch(`http://127.0.0.1:${ports.pcHttp}/api/v1/journal/shards?namespace=${namespace}`)
      ).json()) as { shards: unknown[] }
    ).shards;
  expect(await shardsOf('mqtt-broker-1')).not.toHaveLength(0); // the broker's session state
  expect(await shardsOf('mqtt-cluster')).not.toHaveLength(0); // the messages: the cluster's shared log
  const metrics = await (await fetch(`http://127.0.0.1:${ports.jsHttp}/metrics`)).text();
  const appended = Number(/^journal_appended_records_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);
  expect(appended).toBeGreaterThanOrEqual(1);
});

it('runs the Kafka broker on the journal: kcat produces and consumes through it', async () => {
  const http = `http://127.0.0.1:${ports.pcHttp}`;
  await waitFor(
    'kafka broker registered',
    async () => (await registeredNodes(http, 'KAFKA_BROKER')).length === 1,
    { timeoutMs: 20_000, detail: proc.output },
  );
  const [kafka] = await registeredNodes(http, 'KAFKA_BROKER');
  const bootstrap = `127.0.0.1:${kafka!.ports['kafka']}`;
  const produced = await runCommand('sh', ['-c', `echo from-kcat | kcat -b ${bootstrap} -P -t quick -p 0`]);
  expect(produced.code, produced.output).toBe(0);
  const consumed = await runCommand('kcat', [
    '-b',
    bootstrap,
    '-C',
    '-t',
    'quick',
    '-p',
    '0',
    '-o',
    'beginning',
    '-e',
    '-q',
  ]);
  expect(consumed.stdout.trim()).toBe('from-kcat');
});

it('writes its data under --data-dir and stops cleanly on SIGTERM', async () => {
  proc.child.kill('SIGTERM');
  const { code } = await proc.exited;
  expect(code, proc.output()).toBe(0);
  expect(proc.output()).toMatch(/"msg":"placement center stopped"/);
  expect(proc.output()).toMatch(/unregistered from placement center/);
});
