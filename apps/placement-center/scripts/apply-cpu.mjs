// CPU per applied command of the placement state machine (issue #19: every member applies every write, so with many
// clients this is a large share of the server CPU per write): decode + apply + the write-behind RocksDB write, in
// batches of N kv.set commands with request ids sharing one log index, as a Raft member applies a batched entry.
// Prints one JSON line; CPU is the whole process's (the RocksDB write on the thread pool included). For an A/B, run
// it against two builds' trees, interleaved:
//   node apps/placement-center/scripts/apply-cpu.mjs <repo root> [N = 50] [rounds = 400]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = process.argv[2];
const N = +(process.argv[3] ?? 50);
const rounds = +(process.argv[4] ?? 400);
const { RocksDbEngine } = await import(join(root, 'libs/common/dist/index.js'));
const { PlacementStateMachine } = await import(
  join(root, 'apps/placement-center/dist/state/state-machine.js')
);
const { placementApplication } = await import(
  join(root, 'apps/placement-center/dist/state/raft-proposer.js')
);
const { encodeCommand } = await import(join(root, 'apps/placement-center/dist/state/commands.js'));
const dir = mkdtempSync(join(tmpdir(), 'p19m-apply-'));
const engine = await RocksDbEngine.open(dir);
const sm = await PlacementStateMachine.open(engine, { sync: false });
const app = placementApplication(sm);
const value = Buffer.alloc(100, 'v');
let index = 0,
  seq = 0;
async function round() {
  index++;
  const entries = [];
  for (let k = 0; k < N; k++) {
    const i = seq++;
    entries.push({
      index,
      data: encodeCommand({
        type: 'kv.set',
        key: `bench/k${(i * 7919) % 10000}`,
        value,
        requestId: `r-${process.pid}-${i}`,
      }),
    });
  }
  await app.applyEntries(entries);
}
for (let r = 0; r < 100; r++) await round();
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let r = 0; r < rounds; r++) await round();
const c = process.cpuUsage(c0);
const wall = performance.now() - t0;
console.log(
  JSON.stringify({
    N,
    commands: rounds * N,
    cpuUsPerCommand: +((c.user + c.system) / (rounds * N)).toFixed(2),
    wallUsPerCommand: +((wall * 1000) / (rounds * N)).toFixed(2),
  }),
);
await engine.close?.();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
