// Runs a range of simulator seeds inside vitest and fails with the exact replay command of every failing seed.
import { expect, it } from 'vitest';
import { directReplayCommand, replayCommand, runSimulation } from '../../src/sim/index.js';

/** Seeds per vitest test case: small enough to localize a failure, large enough to keep overhead low. */
const CHUNK = 50;

export function simulateSeeds(first: number, count: number): void {
  for (let start = first; start < first + count; start += CHUNK) {
    const end = Math.min(start + CHUNK, first + count) - 1;
    it(`seeds ${start}..${end} are safe, live and linearizable`, () => {
      const failures: string[] = [];
      for (let seed = start; seed <= end; seed++) {
        const r = runSimulation({ seed });
        if (!r.ok) {
          failures.push(
            `seed ${seed}: ${r.failure}\n  scenario: ${r.scenario}\n  replay: ${replayCommand(seed)}\n` +
              `  (without the npm script: ${directReplayCommand(seed)} after \`npx tsc -b libs/raft\`)`,
          );
        }
      }
      expect(failures, `failing seeds:\n${failures.join('\n')}`).toEqual([]);
    }, 120_000);
  }
}
