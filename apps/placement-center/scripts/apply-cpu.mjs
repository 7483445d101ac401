// CPU per applied command of the placement state machine (issue #19: every member applies every write, so with many
// clients this is a large share of the server CPU per write): decode + apply + the write-behind RocksDB write, in
// batches of N kv.set commands with request ids sharing one log index, as a Raft member applies a batched entry
// (N = 1: a lone client's write, one entry per apply). The commands are encoded before the clock starts (the leader
// encodes once; every member decodes). Prints one JSON line: the process's CPU (all threads: the RocksDB write on the
// thread pool included) and the main thread's alone (/proc, 10 ms ticks: what the Raft loop pays). For an A/B, run it
// against two builds' trees, interleaved:
//   node apps/placement-center/scripts/apply-cpu.mjs <repo root> [N = 50] [commands = 40000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = process.argv[2];
const N = +(process.argv[3] ?? 50);
const commands = +(process.argv[4] ?? 40_000);
const { RocksDbEngine } = await import(join(root, 'libs/common/dist/index.js'));
const { PlacementStateMachine } = await import(
  join(root, 'apps/placement-center/dist/state/state-machine.js')
);
const { placementApplication } = await import(
  join(root, 'apps/placement-center/dist/state/raft-proposer.js')
);
const { encodeCommand } = await import(join(root, 'apps/placement-center/dist/state/commands.js'));
const dir = mkdtempSync(join(tmpdir(), 'apply-cpu-'));
const engine = await RocksDbEngine.open(dir);
const sm = await PlacementStateMachine.open(engine, { sync: false });
const app = placementApplication(sm);
const value = Buffer.alloc(100, 'v');
const encoded = [];
for (let i = 0; i < 2 * commands; i++)
  encoded.push(
    encodeCommand({
      type: 'kv.set',
      key: `bench/k${(i * 7919) % 10000}`,
      value,
      requestId: `r-${process.pid}-${i}`,
    }),
  );
let index = 0;
async function run(from, to) {
  for (let i = from; i < to; i += N) {
    index++;
    const entries = [];
    for (let k = i; k < Math.min(to, i + N); k++) entries.push({ index, term: 1, data: encoded[k] });
    await app.applyEntries(entries);
    // let the write-behind timer and the engine's callbacks run now and then, as a member's loop does
    if (index % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await sm.flush();
}
/** CPU ticks of the main thread (its task id is the process id). */
function mainThreadTicks() {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
await run(0, commands); // warm-up: JIT, RocksDB memtable
const m0 = mainThreadTicks();
const c0 = process.cpuUsage();
const t0 = performance.now();
await run(commands, 2 * commands);
const c = process.cpuUsage(c0);
const mainUs = (mainThreadTicks() - m0) * 10_000;
const wall = performance.now() - t0;
console.log(
  JSON.stringify({
    root,
    N,
    commands,
    cpuUsPerCommand: +((c.user + c.system) / commands).toFixed(2),
    mainThreadUsPerCommand: +(mainUs / commands).toFixed(2),
    wallUsPerCommand: +((wall * 1000) / commands).toFixed(2),
  }),
);
await sm.close();
await engine.close?.();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
