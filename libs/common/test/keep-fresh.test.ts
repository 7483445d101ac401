// keepFresh: the first refresh is the caller's (its failure fails start-up), later ones run on the interval, a failed
// one is logged (the real logger, lines captured) and the next one still runs, and stop() ends the refreshes.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, keepFresh } from '../src/index.js';

function capturedLogger() {
  const lines: { level: string; msg: string; err?: { message: string } }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: createLogger({ service: 'keep-fresh-test' }, sink), lines };
}

describe('keepFresh', () => {
  it('fails when the first refresh fails, and then schedules nothing', async () => {
    const { logger } = capturedLogger();
    let calls = 0;
    await expect(
      keepFresh(
        async () => {
          calls++;
          throw new Error('placement unreachable');
        },
        { refreshIntervalMs: 10, logger },
        'rules',
      ),
    ).rejects.toThrow('placement unreachable');
    await sleep(50);
    expect(calls).toBe(1);
  });

  it('refreshes on the interval, logs a failed refresh and keeps going, stops on stop()', async () => {
    const { logger, lines } = capturedLogger();
    let calls = 0;
    const kept = await keepFresh(
      async () => {
        calls++;
        if (calls === 2) throw new Error('placement hiccup');
      },
      { refreshIntervalMs: 10, logger },
      'ACL rules',
    );
    expect(calls).toBe(1);
    const deadline = Date.now() + 5_000;
    while (calls < 4 && Date.now() < deadline) await sleep(5);
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'refreshing ACL rules failed; keeping the last copy',
        err: expect.objectContaining({ message: 'placement hiccup' }),
      }),
    ]);
    kept.stop();
    const stoppedAt = calls;
    await sleep(60);
    expect(calls).toBe(stoppedAt);
  });
});
