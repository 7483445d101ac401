// Every command-line entry point (service mains, robustmq, robust-bench, the benches, the Raft simulator, the
// password hasher) answers --help with its usage and exit 0, and an unknown option or a bad value with a one-line
// error, a pointer to --help and exit 2 — never a stack trace (issue 11 item 5: journal-bench --help died).
import { afterAll, expect, it } from 'vitest';
import { killAll, runNode } from '@robustmq/testing';

afterAll(() => killAll());

// each with a command line it must refuse: an unknown option, a missing or bad value, an extra argument
const ENTRY_POINTS: [script: string, badValue: string[]][] = [
  ['apps/placement-center/dist/main.js', ['--no-such-option']],
  ['apps/journal-server/dist/main.js', ['--config']],
  ['apps/mqtt-broker/dist/main.js', ['--config', 'a.toml', 'extra']],
  ['apps/cli/dist/robustmq.js', ['start', '--roles', 'nope']],
  ['apps/cli/dist/robust-bench.js', ['mqtt', '--runs', '0']],
  ['apps/journal-server/dist/bench/journal-bench.js', ['--records', 'many']],
  ['apps/journal-server/dist/bench/cpu-profile-summary.js', ['--top', '-1', 'x']],
  ['apps/mqtt-broker/dist/auth/hash-password.js', ['a', 'b']],
  ['libs/raft/dist/node/bench.js', ['--concurrency', '1,x']],
  ['libs/raft/dist/sim/cli.js', ['--seeds', '-3']],
  ['libs/storage-adapter/dist/bench/append-bench.js', ['--adapters', 'tape']],
];

it.concurrent.each(ENTRY_POINTS)('%s: --help, and usage errors exit 2', async (script, badValue) => {
  const help = runNode(script, ['--help']);
  expect((await help.exited).code, help.output()).toBe(0);
  expect(help.output()).toMatch(/^Usage: /m);

  const bad = runNode(script, badValue);
  const { code } = await bad.exited;
  expect(code, `${script} ${badValue.join(' ')}: ${bad.output()}`).toBe(2);
  expect(bad.output()).toMatch(/^error: /m);
  expect(bad.output()).toMatch(/--help for usage/);
  expect(bad.output()).not.toMatch(/\n\s+at /);
});
