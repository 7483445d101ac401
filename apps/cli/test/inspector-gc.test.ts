// The idle-connections bench's forced GC (src/bench/inspector-gc.ts) against a real Node process started with
// `--inspect=127.0.0.1:0`, as the bench starts a broker: the address is found in its output, and the garbage it
// left is collected when asked, not before.
import { spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { collectGarbage, inspectorUrlIn } from '../src/bench/inspector-gc.js';

// 40 MB of objects made and dropped at start; then only its heap size is printed, on each line read from stdin
const CHILD = `
let junk = [];
for (let i = 0; i < 400_000; i++) junk.push({ i, s: 'x'.repeat(20) + i });
junk = undefined;
process.stdin.on('data', () => process.stdout.write(process.memoryUsage().heapUsed + '\\n'));
`;

let child: ReturnType<typeof spawn> | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

it('finds the inspector of a process and runs a full GC in it', async () => {
  const proc = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', CHILD], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child = proc;
  let errOutput = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (data: Buffer) => {
      errOutput += data.toString();
      const found = inspectorUrlIn(errOutput);
      if (found) resolve(found);
    });
    proc.once('exit', () => reject(new Error(`exited: ${errOutput}`)));
  });
  expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
  const lines: number[] = [];
  proc.stdout!.on('data', (data: Buffer) => {
    for (const line of data.toString().split('\n')) if (line) lines.push(Number(line));
  });
  const heapUsed = async (): Promise<number> => {
    const count = lines.length;
    proc.stdin!.write('?\n');
    while (lines.length === count) await new Promise((r) => setTimeout(r, 20));
    return lines[lines.length - 1]!;
  };
  const before = await heapUsed();
  await collectGarbage(url);
  const after = await heapUsed();
  // the dropped objects were still in the heap (nothing allocates, so no GC came by itself) and are gone now
  expect(before - after).toBeGreaterThan(20_000_000);
});

it('reports no address for a process started without an inspector', () => {
  expect(inspectorUrlIn('robustmq listening on 1883\n')).toBeUndefined();
});
