// Per-operation CPU and allocation of the broker's per-message pieces that do not need a socket: validating a QoS 0
// PUBLISH, turning a message into a log record, and the append path of a batch of 32 records (record, normalize,
// encode) — for A/Bs of those pieces between two builds, which hold on a loaded machine where end-to-end rates do not
// (issue 16; docs/benchmarks.md, session 6). Run after `npm run build`, from any directory:
//   node apps/mqtt-broker/scripts/publish-path-micro.mjs [<checkout root>]   (default: this checkout)
// CPU is process.cpuUsage() over 2M calls (100k batches), min of 5; bytes come from V8's sampling heap profiler with
// the objects the GC collected included.
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';

const tree = process.argv[2] ?? fileURLToPath(new URL('../../..', import.meta.url));
const { validateMqttPacket } = await import(`${tree}/libs/protocol/dist/mqtt/validate.js`);
const { encodeRecordBatch } = await import(`${tree}/libs/protocol/dist/journal/record-codec.js`);
const { normalizeRecords } = await import(`${tree}/libs/storage-adapter/dist/validation.js`);
const { messageToRecord } = await import(`${tree}/apps/mqtt-broker/dist/storage/message-record.js`);
const { OutgoingPublish } = await import(`${tree}/apps/mqtt-broker/dist/packets/outgoing-publish.js`);
const topic = 'robust-bench/mqtt',
  payload = Buffer.alloc(64, 0x2e);
const tb = Buffer.from(topic);
const pkt = Buffer.concat([Buffer.from([0x30, 2 + tb.length + 64, 0, tb.length]), tb, payload]);
const msgs = Array.from(
  { length: 32 },
  (_, i) => new OutgoingPublish(topic, payload, 0, false, undefined, `rb-opub-12345-${i % 4}`, Date.now()),
);
const s = new Session();
s.connect();
const post = (m, p) => new Promise((res, rej) => s.post(m, p, (e, r) => (e ? rej(e) : res(r))));
function sampled(profile) {
  let t = 0;
  const w = (n) => {
    t += n.selfSize;
    n.children.forEach(w);
  };
  w(profile.head);
  return t;
}
const cases = {
  validate: () => {
    if (validateMqttPacket(pkt, 2, 4)) throw new Error('invalid');
  },
  messageToRecord: () => messageToRecord(msgs[0]),
  'append 32 (record+normalize+encode)': () =>
    encodeRecordBatch(normalizeRecords(msgs.map(messageToRecord), 1)),
};
for (const [name, fn] of Object.entries(cases)) {
  const n = name.startsWith('append') ? 100_000 : 2_000_000;
  for (let i = 0; i < n / 4; i++) fn(); // warm up (optimize)
  const best = [];
  for (let round = 0; round < 5; round++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c1 = process.cpuUsage(c0);
    best.push(((c1.user + c1.system) * 1000) / n);
  }
  await post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < n; i++) fn();
  const { profile } = await post('HeapProfiler.stopSampling');
  best.sort((a, b) => a - b);
  console.log(
    `${name}: ${best[0].toFixed(1)} ns/op (min of 5; median ${best[2].toFixed(1)}), ~${(sampled(profile) / n).toFixed(0)} B/op sampled`,
  );
}
