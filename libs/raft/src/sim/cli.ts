#!/usr/bin/env node
// Command line for the Raft simulator: run many seeds (or replay one with a trace) and print failing seeds' replay commands.
import { cliProgram, integerArg, parseCli } from '@robustmq/common';
import { directReplayCommand, replayCommand } from './replay-command.js';
import { runSimulation, type SimResult } from './simulator.js';

function main(): number {
  const args = parseCli(
    cliProgram(
      'raft-sim',
      'runs the seeded Raft simulator over many seeds (or replays one with a trace) and prints failing seeds',
    )
      .option(
        '--seeds <n>',
        'run N seeds, starting at --seed (default: 1000 seeds from seed 1)',
        integerArg('--seeds', 0),
      )
      .option(
        '--seed <s>',
        'first seed (with no --seeds: replay just this seed, with a trace of what happened)',
        integerArg('--seed', 0),
      )
      .option(
        '--steps <k>',
        'ticks of fault injection per seed before healing (default 300)',
        integerArg('--steps', 0),
      )
      .option('--trace', 'print every notable event (default when replaying a single seed)', false)
      .option('--quiet', 'print only failures and the summary', false),
  ).opts<{ seeds?: number; seed?: number; steps?: number; trace: boolean; quiet: boolean }>();
  const single = args.seed !== undefined && args.seeds === undefined;
  const first = args.seed ?? 1;
  const count = single ? 1 : (args.seeds ?? 1000);
  const steps = args.steps;
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
