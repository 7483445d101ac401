// A bad configuration value stops every command at start-up with exit code 2 and a message naming the key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { killAll, runNode, tempDir, testScope } from '@robustmq/testing';

const scope = testScope();
const dir = tempDir('badcfg', scope);
afterAll(() => {
  killAll();
});

it.each([
  ['apps/placement-center/dist/main.js', 'placement-center'],
  ['apps/journal-server/dist/main.js', 'journal-server'],
  ['apps/mqtt-broker/dist/main.js', 'mqtt-broker'],
])('%s exits 2 naming a bad key from the config file and from the environment', async (script) => {
  const file = join(dir, 'bad.toml');
  writeFileSync(file, '[network]\nhttp_port = "eighty"\n');
  const fromFile = runNode(script, ['--config', file]);
  expect((await fromFile.exited).code).toBe(2);
  expect(fromFile.output()).toMatch(/network\.http_port = "eighty" \(from .*bad\.toml\)/);

  const fromEnv = runNode(script, [], { env: { ROBUSTMQ_LOG_LEVEL: 'chatty' } });
  expect((await fromEnv.exited).code).toBe(2);
  expect(fromEnv.output()).toMatch(/log\.level = "chatty" \(from env ROBUSTMQ_LOG_LEVEL\)/);
});

it('the broker exits 2 for an unknown [storage] type, naming the valid ones', async () => {
  const file = join(dir, 'tape.toml');
  writeFileSync(file, '[storage]\ntype = "tape"\n');
  const proc = runNode('apps/mqtt-broker/dist/main.js', ['--config', file]);
  expect((await proc.exited).code).toBe(2);
  expect(proc.output()).toMatch(/storage\.type = "tape" .*"memory", "rocksdb", "journal", "mysql"/);
});

it('robustmq start exits 2 naming the bad key of any role', async () => {
  writeFileSync(join(dir, 'mqtt-broker.toml'), '[network]\ntcp_port = 99999\n');
  const proc = runNode('apps/cli/dist/robustmq.js', [
    'start',
    '--config-dir',
    dir,
    '--data-dir',
    join(dir, 'data'),
    '--roles',
    'mqtt-broker',
    '--placement',
    '127.0.0.1:1',
  ]);
  expect((await proc.exited).code).toBe(2);
  expect(proc.output()).toMatch(/network\.tcp_port = 99999/);
});

it('robustmq start rejects an unknown role', async () => {
  const proc = runNode('apps/cli/dist/robustmq.js', ['start', '--roles', 'kafka']);
  expect((await proc.exited).code).not.toBe(0);
  expect(proc.output()).toMatch(/unknown role "kafka"/);
});
