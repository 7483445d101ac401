// What a SUBSCRIBE pays to find the retained messages its filter matches: the level tree of RetainedIndex against the
// flat scan it replaced (every retained topic split and matched per SUBSCRIBE), side by side on the same data.
// Run after `npm run build`, from any directory:
//   node apps/mqtt-broker/scripts/retained-match.mjs [retained topics (100000)] [SUBSCRIBEs (200)]
// Topics look like device telemetry (`site/<s>/dev/<d>/temp`); half the filters are exact, half `site/<s>/dev/+/temp`.
import { fileURLToPath } from 'node:url';

const tree = fileURLToPath(new URL('../../..', import.meta.url));
const { RetainedIndex } = await import(`${tree}/apps/mqtt-broker/dist/storage/retained-index.js`);
const { levelsMatch } = await import(`${tree}/libs/common/dist/acl/topic-match.js`);

const N = Number(process.argv[2] ?? 100_000);
const S = Number(process.argv[3] ?? 200);
const index = new RetainedIndex();
const flat = new Map();
for (let i = 0; i < N; i++) {
  const topic = `site/${i % 100}/dev/${i}/temp`;
  index.set(topic, { topic });
  flat.set(topic, { topic });
}
const filters = Array.from({ length: S }, (_, i) =>
  i % 2 ? `site/${i % 100}/dev/+/temp` : `site/${i % 100}/dev/${i}/temp`,
);

function scan(patterns) {
  const split = patterns.map((p) => p.split('/'));
  const out = [];
  for (const [topic, packet] of flat) {
    const levels = topic.split('/');
    if (split.some((f) => levelsMatch(f, levels))) out.push(packet);
  }
  return out;
}

function timed(fn) {
  const start = process.hrtime.bigint();
  let matched = 0;
  for (const filter of filters) matched += fn([filter]).length;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, matched };
}

for (let round = 1; round <= 3; round++) {
  const a = timed(scan);
  const b = timed((f) => index.matching(f));
  console.log(
    `round ${round}: ${N} retained, ${S} SUBSCRIBEs: scan ${a.ms.toFixed(0)} ms (${((a.ms * 1000) / S).toFixed(0)} µs each),` +
      ` tree ${b.ms.toFixed(1)} ms (${((b.ms * 1000) / S).toFixed(2)} µs each); matched ${a.matched} / ${b.matched}`,
  );
}
