// Test helpers for end-to-end tests: run the built commands (dist/) as real child processes, capture their output,
// wait for conditions, and make sure nothing outlives the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Runs `node <script> ...args` from the repository root. The script must be built (npm run build). */
export function runNode(script: string, args: string[], env: Record<string, string> = {}): Proc {
  const path = ROOT + script;
  if (!existsSync(path)) throw new Error(`${script} is not built; run \`npm run build\` first`);
  const child = spawn(process.execPath, [path, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output: () => out, exited };
}

export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  proc?: Proc,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}${proc ? `\n--- process output ---\n${proc.output()}` : ''}`,
  );
}

/** Runs a command to completion (e.g. mosquitto_pub) and returns its exit code and output. */
export function runCommand(cmd: string, args: string[], timeoutMs = 10_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function nodesOf(httpBase: string, clusterType: string): Promise<{ nodeId: number; ports: Record<string, number> }[]> {
  const response = await fetch(`${httpBase}/api/v1/cluster/nodes?cluster_type=${clusterType}`);
  return ((await response.json()) as { nodes: { nodeId: number; ports: Record<string, number> }[] }).nodes;
}
