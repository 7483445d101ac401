// Runs a command-line client (mosquitto_pub/mosquitto_sub) to completion, with a kill after a timeout, and says
// whether the mosquitto clients are installed at all.
import { spawn, spawnSync } from 'node:child_process';

export const haveMosquitto =
  spawnSync('mosquitto_pub', ['--help']).error === undefined && spawnSync('mosquitto_sub', ['--help']).error === undefined;

export function run(command: string, args: string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
