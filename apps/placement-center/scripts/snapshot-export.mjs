// How long a placement member's snapshot export of a large state takes and how much of the main thread it holds
// (issue #19): a state machine on RocksDB gets N KV writes (1,000 per entry, each with a request id, so ~3N records),
// then its image is read out both ways — through the point-in-time reader in batches (what a snapshot uses) and
// through scan() (the fallback) — with wall time, the process CPU (all threads) and the event loop's longest delay.
// Usage (after `npm run build`): node apps/placement-center/scripts/snapshot-export.mjs [writes=100000] [rounds=3]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RocksDbEngine } from '@robustmq/common';
import { PlacementStateMachine } from '../dist/state/state-machine.js';

const writes = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);
const dir = join(tmpdir(), `robustmq-snapshot-export-${process.pid}`);
const engine = await RocksDbEngine.open(dir);
try {
  const sm = await PlacementStateMachine.open(engine, { sync: false });
  const value = Buffer.from('v'.repeat(60));
  let index = 0;
  for (let i = 0; i < writes; i += 1000) {
    index++;
    const n = Math.min(1000, writes - i);
    await sm.applyBatch(
      Array.from({ length: n }, (_, k) => ({
        index,
        command: { type: 'kv.set', key: `big/${i + k}`, value, requestId: `req-${i + k}-0123456789abcdef` },
      })),
    );
  }
  await sm.flush();
  const ways = {
    reader: async () => (await (await sm.snapshotImage()).read()).reduce((n, b) => n + b.length, 0),
    scan: async () => (await sm.exportSnapshot()).length,
  };
  for (let r = 0; r < rounds; r++) {
    for (const [way, run] of Object.entries(ways)) {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const bytes = await run();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      delay.disable();
      console.log(
        `${way.padEnd(6)} ${bytes} B: ${ms.toFixed(0)} ms, CPU (all threads) ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, longest event loop delay ${(delay.max / 1e6).toFixed(0)} ms`,
      );
    }
  }
  await sm.close();
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}
