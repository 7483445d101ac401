// aedes-persistence's own abstract test suite (node:test, 50 tests) against the SessionPersistence the broker uses,
// over the real rocksdb, memory and journal adapters (journal: an in-process placement center and journal server):
// test/aedes-abstract-runner.mjs runs it in a child `node --test`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildOnce } from '@robustmq/testing';
import { startTestJournalCluster, type TestJournalCluster } from '@robustmq/testing/broker';

const runner = fileURLToPath(new URL('./aedes-abstract-runner.mjs', import.meta.url));
let journal: TestJournalCluster | undefined;

beforeAll(() => buildOnce(), 120_000);

afterAll(async () => {
  await journal?.close();
});

it.each(['rocksdb', 'memory', 'journal'])(
  'passes the upstream abstract suite over the %s adapter',
  async (adapter) => {
    if (adapter === 'journal') journal = await startTestJournalCluster();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--test', '--test-reporter=tap', runner], {
        env: {
          ...process.env,
          ADAPTER: adapter,
          ...(journal ? { PLACEMENT: journal.placementAddress } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, output }));
    });
    const pass = Number(/^# pass (\d+)/m.exec(output)?.[1]);
    const fail = Number(/^# fail (\d+)/m.exec(output)?.[1]);
    expect({ code, fail, failures: output.split('\n').filter((l) => l.startsWith('not ok')) }).toEqual({
      code: 0,
      fail: 0,
      failures: [],
    });
    expect(pass).toBeGreaterThanOrEqual(50);
  },
);
