// A placement center (one member, or a Raft group of several) and N journal servers as child processes on free
// ports, for crash tests: any server can be SIGKILLed, SIGSTOPped or restarted with the same ports and data dir.
// MQTT brokers on the journal (one MQTT cluster) can be added as processes too (`addBroker`), and Kafka brokers
// (`addKafkaBroker`).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PlacementClient } from '@robustmq/placement-client';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { freePort } from './ports.js';
import { buildOnce, mqttBrokerProcess, ServiceProcess, type ServiceName } from './processes.js';
import { mergeSections, type Sections } from './sections.js';
import { testScope } from './scope.js';
import { beforeAll } from 'vitest';
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

/** An MQTT broker process of the cluster (journal storage). */
export interface BrokerNode {
  id: number;
  mqtt: number;
  http: number;
  grpc: number;
  process: ServiceProcess;
}

/** A Kafka broker process of the cluster (journal storage). */
export interface KafkaBrokerNode {
  id: number;
  kafka: number;
  http: number;
  process: ServiceProcess;
}

/** A placement member's view of its Raft group (`GET /api/v1/cluster`). */
export interface PlacementStatus {
  leader: number;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  snapshotIndex: number;
  members: { nodeId: number; self: boolean; lastContactMs: number | null }[];
}

/** A placement member process. */
export interface PlacementNode {
  id: number;
  grpc: number;
  http: number;
  process: ServiceProcess;
}

export interface ProcessClusterOptions {
  /** placement members (a Raft group when more than one); default 1. */
  placementMembers?: number;
  /**
   * the members' `[cluster]` settings beside `members` (`snapshot_entries`, `election_ticks`…) when there are several;
   * default `tick_ms` 50, `election_ticks` 10.
   */
  placementRaft?: Record<string, unknown>;
  /** the placement members' log level (default `warn`; their output is kept for failure messages). */
  placementLogLevel?: string;
  /** further sections of every placement member, merged over the kit's (e.g. production `heartbeat` timers instead
   * of the kit's 2 s node timeout). */
  placementOverrides?: Sections;
  /** also append each placement member's and journal server's output to `<dir>/<pcN|jsN>.log`. */
  logFiles?: boolean;
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
  readonly placements: PlacementNode[] = [];
  readonly journals: ProcessNode[] = [];
  readonly brokers: BrokerNode[] = [];
  readonly kafkaBrokers: KafkaBrokerNode[] = [];
  private readonly clients: PlacementClient[] = [];
  private readonly mqttClients: MqttClient[] = [];

  constructor(private readonly options: ProcessClusterOptions = {}) {
    this.dir = options.dir ?? tempDir('process-cluster');
  }

  get placementAddress(): string {
    return `127.0.0.1:${this.placementGrpc}`;
  }

  /** host:port of every placement member's gRPC port. */
  get placementAddresses(): string[] {
    return this.placements.map((p) => `127.0.0.1:${p.grpc}`);
  }

  /** The placement center and journal servers 1..journalCount, each healthy. */
  async start(journalCount: number): Promise<void> {
    await this.startPlacement();
    for (let id = 1; id <= journalCount; id++) await this.addJournal(id);
  }

  /** A PlacementClient to the placement center, closed by close(). */
  client(): PlacementClient {
    const c = new PlacementClient({ addresses: this.placementAddresses });
    this.clients.push(c);
    return c;
  }

  async startPlacement(): Promise<void> {
    const count = this.options.placementMembers ?? 1;
    for (let id = 1; id <= count; id++) this.placements.push(await this.placementNode(id));
    const members = this.placementMemberList();
    for (const node of this.placements)
      node.process = this.placementProcess(node, count > 1 ? { members } : undefined);
    this.placementGrpc = this.placements[0]!.grpc;
    this.placementHttp = this.placements[0]!.http;
    this.placement = this.placements[0]!.process;
    // members of a Raft group wait for each other: start them all, then wait for each to be healthy
    await Promise.all(this.placements.map((p) => p.process.start(p.http)));
    if (count > 1) await this.placementLeader();
  }

  /**
   * A new placement member `id` on free ports that starts as a joiner (`join = true`: it waits to be added through
   * the leader's membership API, knowing every member so far and itself); resolves when it is healthy.
   */
  async addPlacementMember(id: number): Promise<PlacementNode> {
    const node = await this.placementNode(id);
    this.placements.push(node);
    node.process = this.placementProcess(node, { members: this.placementMemberList(), join: true });
    await node.process.start(node.http);
    return node;
  }

  /** (Re)starts placement member `id` on its ports and data dir; resolves when it is healthy. */
  async startPlacementMember(id: number): Promise<void> {
    const node = this.placementMember(id);
    await node.process.start(node.http);
  }

  /** Placement member `id`'s `GET /api/v1/cluster` (its view of the Raft group). */
  async placementStatus<T = PlacementStatus>(id: number): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${this.placementMember(id).http}/api/v1/cluster`);
    return (await res.json()) as T;
  }

  private async placementNode(id: number): Promise<PlacementNode> {
    return {
      id,
      grpc: await freePort(),
      http: await freePort(),
      process: undefined as unknown as ServiceProcess,
    };
  }

  private placementMemberList(): string[] {
    return this.placements.map((p) => `${p.id}@127.0.0.1:${p.grpc}`);
  }

  private placementProcess(
    node: PlacementNode,
    cluster: Record<string, unknown> | undefined,
  ): ServiceProcess {
    const raft = { tick_ms: 50, election_ticks: 10, ...this.options.placementRaft, ...cluster };
    const sections = mergeSections(
      {
        node: { id: node.id, data_dir: join(this.dir, `pc${node.id}`) },
        network: { host: '127.0.0.1', grpc_port: node.grpc, http_port: node.http },
        heartbeat: { timeout_ms: 2000, check_interval_ms: 200 },
        ...(cluster ? { cluster: raft } : {}),
        log: { level: this.options.placementLogLevel ?? 'warn' },
      },
      this.options.placementOverrides,
    );
    return this.serviceProcess('placement-center', `pc${node.id}`, sections);
  }

  /** A service process whose config is `<dir>/<name>.toml` (and its log `<dir>/<name>.log` with `logFiles`). */
  private serviceProcess(service: ServiceName, name: string, sections: Sections): ServiceProcess {
    const log = this.options.logFiles ? join(this.dir, `${name}.log`) : undefined;
    return new ServiceProcess(service, join(this.dir, `${name}.toml`), sections, undefined, log);
  }

  /** The node id of the placement leader all running members agree on. */
  async placementLeader(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.placements.filter((p) => p.process.running);
      const seen = await Promise.all(
        running.map(async (p) => {
          try {
            return (await this.placementStatus(p.id)).leader;
          } catch {
            return undefined;
          }
        }),
      );
      const first = seen[0];
      if (first && running.some((p) => p.id === first) && seen.every((l) => l === first)) return first;
      if (Date.now() > deadline)
        throw new Error(
          `test kit: no placement leader agreed on after ${timeoutMs} ms (seen ${JSON.stringify(seen)})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The end of every placement member's output (`chars` of each), for a failure message. */
  placementOutput(chars = 3000): string {
    return this.placements.map((m) => `--- member ${m.id}\n${m.process.output().slice(-chars)}`).join('\n');
  }

  placementMember(id: number): PlacementNode {
    const node = this.placements.find((p) => p.id === id);
    if (!node) throw new Error(`test kit: no placement member ${id}`);
    return node;
  }

  /** An MQTT broker process with journal storage, registered with every placement member; resolves when healthy. */
  async addBroker(id: number, sections: Record<string, Record<string, unknown>> = {}): Promise<BrokerNode> {
    const node: BrokerNode = {
      id,
      mqtt: await freePort(),
      http: await freePort(),
      grpc: await freePort(),
      process: undefined as unknown as ServiceProcess,
    };
    node.process = mqttBrokerProcess({
      dir: this.dir,
      name: `broker${id}`,
      id,
      mqttPort: node.mqtt,
      httpPort: node.http,
      grpcPort: node.grpc,
      sections: {
        placement: { enabled: true, addresses: this.placementAddresses, heartbeat_interval_ms: 300 },
        storage: { type: 'journal' },
        mqtt: { sys_interval_s: 0 },
        ...sections,
      },
    });
    this.brokers.push(node);
    await node.process.start(node.http);
    return node;
  }

  /** A Kafka broker process on the journal, registered with every placement member; resolves when healthy. */
  async addKafkaBroker(
    id: number,
    sections: Record<string, Record<string, unknown>> = {},
  ): Promise<KafkaBrokerNode> {
    const node: KafkaBrokerNode = {
      id,
      kafka: await freePort(),
      http: await freePort(),
      process: undefined as unknown as ServiceProcess,
    };
    node.process = new ServiceProcess('kafka-broker', join(this.dir, `kafka${id}.toml`), {
      node: { id, data_dir: join(this.dir, `kafka${id}`) },
      network: { host: '127.0.0.1', port: node.kafka, http_port: node.http },
      placement: { addresses: this.placementAddresses, heartbeat_interval_ms: 300, refresh_interval_ms: 300 },
      log: { level: 'warn' },
      ...sections,
    });
    this.kafkaBrokers.push(node);
    await node.process.start(node.http);
    return node;
  }

  /**
   * An MQTT.js client of broker `brokers[0]` (with a `reconnectPeriod` it moves on to the next of `brokers` when it
   * loses one); resolves once connected (rejects on a first-connection error without reconnects); ended by stopAll().
   */
  async mqttClient(brokers: number[], options: IClientOptions): Promise<MqttClient> {
    const client = mqtt.connect({
      servers: brokers.map((id) => ({ host: '127.0.0.1', port: this.broker(id).mqtt })),
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      ...options,
    });
    this.mqttClients.push(client);
    // a killed broker's errors are the test's to observe ('close', 'offline'), not an unhandled 'error'
    client.on('error', () => undefined);
    await new Promise((resolve, reject) => {
      client.once('connect', resolve);
      if (!options.reconnectPeriod) client.once('error', reject);
    });
    return client;
  }

  broker(id: number): BrokerNode {
    const node = this.brokers.find((b) => b.id === id);
    if (!node) throw new Error(`test kit: no broker ${id}`);
    return node;
  }

  async addJournal(id: number): Promise<ProcessNode> {
    const ports = { http: await freePort(), data: await freePort(), grpc: await freePort() };
    const dataDir = join(this.dir, `js${id}`);
    const service = this.serviceProcess('journal-server', `js${id}`, {
      node: { id, data_dir: dataDir },
      network: {
        host: '127.0.0.1',
        advertise_host: '127.0.0.1',
        data_port: ports.data,
        grpc_port: ports.grpc,
        http_port: ports.http,
      },
      placement: { addresses: this.placementAddresses, heartbeat_interval_ms: 300 },
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
    await Promise.all(this.mqttClients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
    for (const c of this.clients.splice(0)) c.close();
    await Promise.all(this.brokers.map((b) => b.process.kill('SIGKILL')));
    await Promise.all(this.kafkaBrokers.map((b) => b.process.kill('SIGKILL')));
    await Promise.all(this.journals.map((j) => j.process.kill('SIGKILL')));
    await Promise.all(this.placements.map((p) => p.process.kill('SIGKILL')));
  }

  /** stopAll(), then removes the temp dir (when the cluster made it). */
  async close(): Promise<void> {
    await this.stopAll();
    if (!this.options.dir) removeDir(this.dir);
  }
}

/**
 * A ProcessCluster for the tests of the enclosing file or describe block: the apps are built (once per run) and the
 * placement center, `journalCount` journal servers and `brokers` MQTT brokers (ids 1…n) started in `beforeAll`,
 * everything killed after the block.
 */
export function useProcessCluster(
  journalCount: number,
  options: ProcessClusterOptions & { brokers?: number } = {},
  timeoutMs = 180_000,
): ProcessCluster {
  const cluster = testScope().add(new ProcessCluster(options));
  beforeAll(async () => {
    await buildOnce();
    await cluster.start(journalCount);
    for (let id = 1; id <= (options.brokers ?? 0); id++) await cluster.addBroker(id);
  }, timeoutMs);
  return cluster;
}
