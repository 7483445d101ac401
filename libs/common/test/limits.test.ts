// The fd budget derived from a process's open-file limit, the token buckets behind every rate limit, and the
// LimitReporter: every refusal counted for /metrics, the log told once per interval rather than once per refusal.
import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import {
  KeyedRateLimiter,
  LimitReporter,
  TokenBucket,
  createMetricsRegistry,
  fdBudget,
  openFileLimit,
  type Logger,
} from '@robustmq/common';

it('reads the soft open-file limit and derives the caps from it', () => {
  const limits =
    'Limit                     Soft Limit           Hard Limit           Units\nMax open files            400                  4096                 files\n';
  expect(openFileLimit(limits)).toBe(400);
  expect(
    openFileLimit('Max open files            unlimited            unlimited            files\n'),
  ).toBeUndefined();
  expect(openFileLimit()).toBeGreaterThan(0); // this process's, from /proc/self/limits
  expect(fdBudget(20_000)).toEqual({
    limit: 20_000,
    reserved: 4000,
    adminHttpConnections: 256,
    clientConnections: 15_232,
    clusterConnections: 1250,
  });
  expect(fdBudget(400)).toEqual({
    limit: 400,
    reserved: 256,
    adminHttpConnections: 16,
    clientConnections: 96,
    clusterConnections: 64,
  });
  // a tiny limit still serves someone; a huge one keeps at most 8192 back
  expect(fdBudget(100).clientConnections).toBe(64);
  expect(fdBudget(1_000_000).reserved).toBe(8192);
});

it('token buckets refuse or go into debt, and refill at their rate', () => {
  const bucket = new TokenBucket(10, 2, 0);
  expect([bucket.tryTake(1, 0), bucket.tryTake(1, 0), bucket.tryTake(1, 0)]).toEqual([true, true, false]);
  expect(bucket.tryTake(1, 100)).toBe(true); // 100 ms at 10/s = one token
  const debt = new TokenBucket(10, 1, 0);
  expect(debt.takeWithDebt(1, 0)).toBe(0);
  expect(debt.takeWithDebt(3, 0)).toBe(300); // 3 tokens short at 10/s
  const keyed = new KeyedRateLimiter(1, 1, 2);
  expect([keyed.tryTake('a', 0), keyed.tryTake('a', 0), keyed.tryTake('b', 0)]).toEqual([true, false, true]);
  keyed.tryTake('c', 5_000); // over sweepAt: full buckets (a, b) are forgotten
  expect(keyed.size).toBe(1);
});

it('counts every refusal and logs once per interval', async () => {
  const lines: { msg: string; hits: number }[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { msg: string; hits: number });
        done();
      },
    }),
  ) as unknown as Logger;
  const reporter = new LimitReporter(logger, 100);
  for (let i = 0; i < 500; i++) reporter.hit('connection_cap', 'http', `10.0.0.${i % 250}`);
  reporter.hit('flapping', 'connect', 'client-1');
  expect(reporter.count('connection_cap', 'http')).toBe(500);
  // the first refusal at once, the rest summed up at the end of the interval
  expect(lines).toHaveLength(1);
  await new Promise((resolve) => setTimeout(resolve, 250));
  expect(lines.map((l) => [l.msg.replace(/ in the last.*/, ''), l.hits])).toEqual([
    ['limit connection_cap (http) refused 1 time', 1],
    ['limit connection_cap (http) refused 499 times', 499],
    ['limit flapping (connect) refused 1 time', 1],
  ]);
  const registry = createMetricsRegistry('test');
  reporter.register(registry, 'test_limit_hits_total');
  expect(await registry.metrics()).toMatch(
    /test_limit_hits_total\{limit="connection_cap",scope="http",service="test"\} 500/,
  );
  reporter.close();
});
