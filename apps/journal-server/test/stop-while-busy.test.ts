// Stopping a journal server never crashes its process, whatever is pending: a Read long poll, an index batch not
// written yet, reads and appends streaming in. Pending requests fail with UNAVAILABLE (NOT_LEADER for appends its
// stopped leader had queued), stop() resolves, and what was acknowledged reads back after a restart. It stopped
// with a segfault before: a long poll woken by the stop took the segment over again and reached RocksDB after
// close. The scenario runs in a child process (stop-while-busy.mjs) so a native crash shows as its exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('./stop-while-busy.mjs', import.meta.url));

it('stops under a long poll, a pending index batch and live traffic without crashing', async () => {
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
    longPoll: string;
    busy: string[];
    acknowledged: number;
    restartedHighWatermark: number;
    byKey: boolean;
  };
  expect(result.longPoll).toBe('UNAVAILABLE');
  for (const o of result.busy) expect(['ok', 'UNAVAILABLE', 'NOT_LEADER']).toContain(o);
  expect(result.restartedHighWatermark).toBeGreaterThanOrEqual(result.acknowledged);
  // the record whose index entries were still waiting for their batch is found by key after the restart
  expect(result.byKey).toBe(true);
}, 60_000);
