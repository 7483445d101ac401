// runService is every service's `main`: a SIGTERM must stop a service cleanly (exit 0, close() run) even when it
// arrives while start() is still running — by then the service may already be registered and visible to others.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';

const scope = testScope();
const dir = tempDir('run-service', scope);
const runServiceUrl = pathToFileURL(
  fileURLToPath(new URL('../dist/process/run-service.js', import.meta.url)),
).href;

function runScript(startMs: number): {
  output: () => string;
  exited: Promise<number | null>;
  kill: (s: NodeJS.Signals) => void;
  started: Promise<void>;
} {
  const file = join(dir, `svc-${startMs}.mjs`);
  writeFileSync(
    file,
    `import { runService } from ${JSON.stringify(runServiceUrl)};
await runService('demo', () => ({}), async () => {
  process.stdout.write('starting\\n');
  await new Promise((r) => setTimeout(r, ${startMs}));
  process.stdout.write('started\\n');
  const serving = setInterval(() => {}, 1000); // a real service holds a listening socket
  return { close: async () => { clearInterval(serving); process.stdout.write('closed\\n'); } };
}, []);
`,
  );
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let onStart: () => void = () => {};
  const started = new Promise<void>((r) => (onStart = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('starting')) onStart();
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { output: () => out, exited, kill: (s) => child.kill(s), started };
}

it('a SIGTERM during start() waits for start, then closes and exits 0', async () => {
  const svc = runScript(400);
  await svc.started;
  svc.kill('SIGTERM');
  expect(await svc.exited, svc.output()).toBe(0);
  expect(svc.output()).toBe('starting\nstarted\nclosed\n');
});

it('a SIGTERM after start closes and exits 0', async () => {
  const svc = runScript(0);
  await svc.started;
  await new Promise((r) => setTimeout(r, 200));
  svc.kill('SIGTERM');
  expect(await svc.exited, svc.output()).toBe(0);
  expect(svc.output()).toBe('starting\nstarted\nclosed\n');
});
