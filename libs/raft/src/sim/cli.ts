#!/usr/bin/env node
// Command line for the Raft simulator: run many seeds (or replay one with a trace) and print failing seeds' replay commands.
import { parseArgs } from 'node:util';
import { directReplayCommand, replayCommand } from './replay-command.js';
import { runSimulation, type SimResult } from './simulator.js';

const usage = `usage: node libs/raft/dist/sim/cli.js [--seeds N] [--seed S] [--steps K] [--trace] [--quiet]
  --seeds N   run N seeds, starting at --seed (default: 1000 seeds from seed 1)
  --seed S    first seed (with no --seeds: replay just this seed, with a trace of what happened)
  --steps K   ticks of fault injection per seed before healing (default 300)
  --trace     print every notable event (default when replaying a single seed)
  --quiet     print only failures and the summary`;

function main(): number {
  let args;
  try {
    args = parseArgs({
      options: {
        seeds: { type: 'string' },
        seed: { type: 'string' },
        steps: { type: 'string' },
        trace: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const int = (name: string, v: string | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      console.error(`--${name} must be a non-negative integer, got '${v}'\n${usage}`);
      process.exit(2);
    }
    return n;
  };
  const single = args.seed !== undefined && args.seeds === undefined;
  const first = int('seed', args.seed, 1);
  const count = single ? 1 : int('seeds', args.seeds, 1000);
  const steps = args.steps === undefined ? undefined : int('steps', args.steps, 300);
  const trace = args.trace || single;

  const started = Date.now();
  const failures: SimResult[] = [];
  let unknown = 0;
  for (let seed = first; seed < first + count; seed++) {
    const lines: string[] = [];
    const result = runSimulation({ seed, steps, ...(trace ? { trace: (l: string) => lines.push(l) } : {}) });
    if (trace) for (const l of lines) console.log(l);
    if (result.stats.linearizability === 'unknown') unknown++;
    if (!result.ok) {
      failures.push(result);
      console.log(`\nFAIL seed ${seed}: ${result.failure}`);
      console.log(`  scenario: ${result.scenario}`);
      console.log(`  replay:   ${replayCommand(seed, steps)}   (or: ${directReplayCommand(seed, steps)})`);
    } else if (single || (!args.quiet && (seed - first + 1) % 100 === 0)) {
      const s = result.stats;
      console.log(
        single
          ? `seed ${seed} ok: ${result.scenario}\n  ${JSON.stringify(s)}`
          : `${seed - first + 1}/${count} seeds ok so far (${((Date.now() - started) / 1000).toFixed(1)}s)`,
      );
    }
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${count - failures.length}/${count} seeds passed in ${secs}s` +
      (unknown > 0 ? ` (${unknown} histories too large to decide: linearizability unknown)` : ''),
  );
  if (failures.length > 0) {
    console.log('failing seeds:');
    for (const f of failures) console.log(`  ${replayCommand(f.seed, steps)}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
