// What one message costs the journal quick start beyond what robust-bench prints (issue #13): CPU per message of the
// whole process, scavenges per second and bytes allocated per message (V8's own count, `--trace-gc-nvp`'s
// `allocated=` of every GC in the window), and how many records the journal server read back per record appended
// (`journal_read_records_total` / `journal_appended_records_total`: the broker's shared log reading its own records
// back showed as ~1; it is 0 now that its reads skip them). End-to-end latency is printed too, but robust-bench's
// `rates` scenario is the latency measurement of record.
//
//   node apps/mqtt-broker/scripts/journal-path-probe.mjs <checkout> <msg/s> <qos> [seconds=8] [warmup=2]
//
// Starts `node <checkout>/apps/cli/dist/robustmq.js start` with the configs robust-bench uses (free ports, a scratch
// data dir), one MQTT.js publisher at a fixed rate and one subscriber (both here), and prints one JSON line.
// JOURNAL_PROBE_NODE_ARGS adds node flags to the broker (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). Give two
// checkouts in turn for an A/B. `npm run build` in each first.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [checkoutArg, rateArg, qosArg, secondsArg = '8', warmupArg = '2'] = process.argv.slice(2);
if (!checkoutArg || !rateArg || !qosArg) {
  console.error('usage: journal-path-probe.mjs <checkout> <msg/s> <qos> [seconds=8] [warmup=2]');
  process.exit(2);
}
const checkout = resolve(checkoutArg);
const rate = Number(rateArg);
const qos = Number(qosArg);
const seconds = Number(secondsArg);
const warmup = Number(warmupArg);
const require = createRequire(join(checkout, 'apps/cli/package.json'));
const mqtt = require('mqtt');
const { robustmqJournalConfigs } = await import(join(checkout, 'apps/cli/dist/bench/broker-configs.js'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'journal-path-probe-'));
const ports = {};
for (const k of [
  'pcGrpc',
  'pcHttp',
  'jsData',
  'jsGrpc',
  'jsHttp',
  'brokerHttp',
  'brokerGrpc',
  'kafka',
  'kafkaHttp',
])
  ports[k] = await freePort();
const tcpPort = await freePort();
mkdirSync(join(dir, 'config'));
for (const [file, text] of Object.entries(robustmqJournalConfigs({ tcpPort, ports })))
  writeFileSync(join(dir, 'config', file), text);
const nodeArgs = (process.env.JOURNAL_PROBE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const child = spawn(
  process.execPath,
  [
    '--trace-gc-nvp',
    ...nodeArgs,
    join(checkout, 'apps/cli/dist/robustmq.js'),
    'start',
    '--config-dir',
    join(dir, 'config'),
    '--data-dir',
    join(dir, 'data'),
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
let stderr = '';
child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
const exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code)));
void exited.then((how) => {
  if (!stopping) {
    console.error(`the quick start exited (${how}):\n${stderr}`);
    process.exit(1);
  }
});
let stopping = false;

// every GC's kind, pause and bytes allocated since the one before
const gcs = [];
let pending = '';
child.stdout.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    const kind = / gc=(\w+)/.exec(line);
    const allocated = / allocated=(\d+)/.exec(line);
    const pause = /pause=([\d.]+)/.exec(line);
    if (kind && allocated)
      gcs.push({ scavenge: kind[1] === 's', allocated: +allocated[1], ms: +(pause?.[1] ?? 0) });
  }
});

/** the broker process's CPU seconds so far (utime + stime). */
const cpu = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const metric = async (name) => {
  const text = await (await fetch(`http://127.0.0.1:${ports.jsHttp}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.split(' ').pop());
  return sum;
};
const connect = (clientId) =>
  new Promise((res, rej) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${tcpPort}`, {
      clientId,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    c.once('connect', () => res(c));
    c.once('error', rej);
    c.once('close', () => rej(new Error('connection closed before CONNACK')));
  });

try {
  let sub;
  for (let attempt = 0; !sub; attempt++) {
    try {
      sub = await connect('probe-sub');
    } catch (err) {
      if (attempt > 240) throw err;
      await sleep(500);
    }
  }
  await sub.subscribeAsync('probe/t', { qos });
  const pub = await connect('probe-pub');
  let measuring = false;
  const latencies = [];
  sub.on('message', (_topic, payload) => {
    if (measuring) latencies.push(performance.now() - payload.readDoubleBE(0));
  });
  const stream = async (s) => {
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < s * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; sent < due; sent++) {
        const payload = Buffer.alloc(64);
        payload.writeDoubleBE(performance.now(), 0);
        pub.publish('probe/t', payload, { qos });
      }
      await sleep(2);
    }
  };
  await stream(warmup);
  await sleep(300);
  const read0 = await metric('journal_read_records_total');
  const appended0 = await metric('journal_appended_records_total');
  const gc0 = gcs.length;
  const cpu0 = cpu();
  const t0 = performance.now();
  measuring = true;
  await stream(seconds);
  await sleep(300);
  measuring = false;
  const cpuS = cpu() - cpu0;
  const windowS = (performance.now() - t0) / 1000;
  const window = gcs.slice(gc0);
  const read = (await metric('journal_read_records_total')) - read0;
  const appended = (await metric('journal_appended_records_total')) - appended0;
  const got = latencies.length;
  latencies.sort((a, b) => a - b);
  const q = (p) => +(latencies[Math.min(got - 1, Math.floor(p * got))] ?? NaN).toFixed(2);
  const scavenges = window.filter((g) => g.scavenge);
  const pauses = scavenges.map((g) => g.ms).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      checkout,
      rate,
      qos,
      delivered: got,
      cpuUsPerMessage: +((cpuS / got) * 1e6).toFixed(1),
      scavengesPerS: +(scavenges.length / windowS).toFixed(2),
      scavengePauseP50Ms: pauses[pauses.length >> 1] ?? null,
      otherGcs: window.length - scavenges.length,
      allocatedKBPerMessage: +(window.reduce((n, g) => n + g.allocated, 0) / 1024 / got).toFixed(1),
      recordsReadPerAppended: +(read / appended).toFixed(2),
      p50Ms: q(0.5),
      p99Ms: q(0.99),
    }),
  );
  await sub.endAsync();
  await pub.endAsync();
} finally {
  stopping = true;
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
