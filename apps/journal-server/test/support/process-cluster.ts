// Real processes for the proof tests: builds the two apps once, then starts one placement center and N journal
// servers as child processes (`node …/dist/main.js --config <generated TOML>`) on free ports, and can SIGKILL and
// restart any of them with the same ports and data directory.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@robustmq/common';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function buildApps(): void {
  execFileSync('npx', ['tsc', '-b', 'apps/journal-server', 'apps/placement-center'], { cwd: ROOT, stdio: 'inherit' });
}

export interface ProcessNode {
  id: number;
  http: number;
  data: number;
  grpc: number;
  child: ChildProcess | undefined;
  dataDir: string;
}

async function waitHealthy(port: number, timeoutMs = 20_000, expectStatus = 'ok'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      const body = (await res.json()) as { status: string };
      if (body.status === expectStatus) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process with HTTP port ${port} did not become healthy in ${timeoutMs} ms`);
}

export class ProcessCluster {
  placementGrpc = 0;
  placementHttp = 0;
  placementChild: ChildProcess | undefined;
  readonly journals: ProcessNode[] = [];
  readonly output: string[] = [];

  /** leaderLeaseMs: how long followers wait for a silent segment leader before taking over themselves. */
  constructor(
    readonly dir: string,
    readonly options: { leaderLeaseMs?: number } = {},
  ) {}

  get placementAddress(): string {
    return `127.0.0.1:${this.placementGrpc}`;
  }

  private spawn(script: string, config: string, name: string): ChildProcess {
    const child = spawn(process.execPath, [join(ROOT, script), '--config', config], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output.push(`[${name}] ${chunk.toString()}`);
      if (this.output.length > 200) this.output.shift();
    });
    return child;
  }

  async startPlacement(): Promise<void> {
    this.placementGrpc = await freePort();
    this.placementHttp = await freePort();
    const dataDir = join(this.dir, 'pc');
    mkdirSync(dataDir, { recursive: true });
    const config = join(this.dir, 'pc.toml');
    writeFileSync(
      config,
      [
        '[node]',
        'id = 1',
        `data_dir = "${dataDir}"`,
        '[network]',
        'host = "127.0.0.1"',
        `grpc_port = ${this.placementGrpc}`,
        `http_port = ${this.placementHttp}`,
        '[heartbeat]',
        'timeout_ms = 2000',
        'check_interval_ms = 200',
        '[log]',
        'level = "warn"',
      ].join('\n'),
    );
    this.placementChild = this.spawn('apps/placement-center/dist/main.js', config, 'pc');
    await waitHealthy(this.placementHttp);
  }

  async addJournal(id: number): Promise<ProcessNode> {
    const node: ProcessNode = { id, http: await freePort(), data: await freePort(), grpc: await freePort(), child: undefined, dataDir: join(this.dir, `js${id}`) };
    this.journals.push(node);
    await this.startJournal(node);
    return node;
  }

  async startJournal(node: ProcessNode): Promise<void> {
    const config = join(this.dir, `js${node.id}.toml`);
    writeFileSync(
      config,
      [
        '[node]',
        `id = ${node.id}`,
        `data_dir = "${node.dataDir}"`,
        '[network]',
        'host = "127.0.0.1"',
        'advertise_host = "127.0.0.1"',
        `data_port = ${node.data}`,
        `grpc_port = ${node.grpc}`,
        `http_port = ${node.http}`,
        '[placement]',
        `addresses = ["${this.placementAddress}"]`,
        'heartbeat_interval_ms = 300',
        '[replication]',
        `leader_lease_ms = ${this.options.leaderLeaseMs ?? 1000}`,
        'leader_check_interval_ms = 200',
        'heartbeat_interval_ms = 100',
        '[log]',
        'level = "warn"',
      ].join('\n'),
    );
    node.child = this.spawn('apps/journal-server/dist/main.js', config, `js${node.id}`);
    await waitHealthy(node.http);
  }

  kill(node: ProcessNode): Promise<void> {
    const child = node.child;
    node.child = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  journal(id: number): ProcessNode {
    return this.journals.find((j) => j.id === id)!;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.journals.map((j) => this.kill(j)));
    const pc = this.placementChild;
    if (pc && pc.exitCode === null) {
      await new Promise<void>((resolve) => {
        pc.once('exit', () => resolve());
        pc.kill('SIGKILL');
      });
    }
  }
}
