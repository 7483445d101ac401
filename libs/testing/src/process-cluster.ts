// A placement center and N journal servers as child processes on free ports, for the journal's crash tests: any
// server can be SIGKILLed, SIGSTOPped or restarted with the same ports and data dir.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PlacementClient } from '@robustmq/common';
import { freePort } from './ports.js';
import { ServiceProcess } from './processes.js';
import { removeDir, tempDir } from './temp-dir.js';

export interface ProcessNode {
  id: number;
  http: number;
  data: number;
  grpc: number;
  dataDir: string;
  process: ServiceProcess;
  /** the running child process, undefined once killed. */
  readonly child: ChildProcess | undefined;
}

export interface ProcessClusterOptions {
  /** how long followers wait for a silent segment leader before taking over themselves (default 1000 ms). */
  leaderLeaseMs?: number;
  /** where configs and data dirs go; default a temp dir removed by close(). */
  dir?: string;
}

export class ProcessCluster {
  readonly dir: string;
  placementGrpc = 0;
  placementHttp = 0;
  placement: ServiceProcess | undefined;
  readonly journals: ProcessNode[] = [];
  private readonly clients: PlacementClient[] = [];

  constructor(private readonly options: ProcessClusterOptions = {}) {
    this.dir = options.dir ?? tempDir('process-cluster');
  }

  get placementAddress(): string {
    return `127.0.0.1:${this.placementGrpc}`;
  }

  /** The placement center and journal servers 1..journalCount, each healthy. */
  async start(journalCount: number): Promise<void> {
    await this.startPlacement();
    for (let id = 1; id <= journalCount; id++) await this.addJournal(id);
  }

  /** A PlacementClient to the placement center, closed by close(). */
  client(): PlacementClient {
    const c = new PlacementClient({ addresses: [this.placementAddress] });
    this.clients.push(c);
    return c;
  }

  async startPlacement(): Promise<void> {
    this.placementGrpc = await freePort();
    this.placementHttp = await freePort();
    this.placement = new ServiceProcess('placement-center', join(this.dir, 'pc.toml'), {
      node: { id: 1, data_dir: join(this.dir, 'pc') },
      network: { host: '127.0.0.1', grpc_port: this.placementGrpc, http_port: this.placementHttp },
      heartbeat: { timeout_ms: 2000, check_interval_ms: 200 },
      log: { level: 'warn' },
    });
    await this.placement.start(this.placementHttp);
  }

  async addJournal(id: number): Promise<ProcessNode> {
    const ports = { http: await freePort(), data: await freePort(), grpc: await freePort() };
    const dataDir = join(this.dir, `js${id}`);
    const service = new ServiceProcess('journal-server', join(this.dir, `js${id}.toml`), {
      node: { id, data_dir: dataDir },
      network: {
        host: '127.0.0.1',
        advertise_host: '127.0.0.1',
        data_port: ports.data,
        grpc_port: ports.grpc,
        http_port: ports.http,
      },
      placement: { addresses: [this.placementAddress], heartbeat_interval_ms: 300 },
      replication: {
        leader_lease_ms: this.options.leaderLeaseMs ?? 1000,
        leader_check_interval_ms: 200,
        heartbeat_interval_ms: 100,
      },
      log: { level: 'warn' },
    });
    const node: ProcessNode = {
      id,
      ...ports,
      dataDir,
      process: service,
      get child() {
        return service.running ? service.proc?.child : undefined;
      },
    };
    this.journals.push(node);
    await this.startJournal(node);
    return node;
  }

  /** (Re)starts a journal server on its ports and data dir; resolves when it is healthy. */
  async startJournal(node: ProcessNode): Promise<void> {
    await node.process.start(node.http);
  }

  /** Stops a journal server with `signal` (default SIGKILL: no clean-up at all) and waits for its exit. */
  kill(node: ProcessNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return node.process.kill(signal);
  }

  journal(id: number): ProcessNode {
    const node = this.journals.find((j) => j.id === id);
    if (!node) throw new Error(`test kit: no journal server ${id}`);
    return node;
  }

  /** SIGKILLs every process (a SIGSTOPped one too) and closes the clients. */
  async stopAll(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    await Promise.all(this.journals.map((j) => j.process.kill('SIGKILL')));
    await this.placement?.kill('SIGKILL');
  }

  /** stopAll(), then removes the temp dir (when the cluster made it). */
  async close(): Promise<void> {
    await this.stopAll();
    if (!this.options.dir) removeDir(this.dir);
  }
}
