// In-process servers for proof tests that need no signals: one placement center and N journal servers on fixed free
// ports (so a stopped server comes back at the same address with its data dir), and a DataPortClient over them.
import { join } from 'node:path';
import { createLogger, freePort } from '@robustmq/common';
import { PlacementClient } from '@robustmq/placement-client';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { loadJournalServerConfig, startJournalServer, type JournalServerHandle } from '../../src/index.js';
import { DataPortClient } from './data-port-client.js';

const logger = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface InProcessJournal {
  id: number;
  dataDir: string;
  ports: { data: number; http: number; grpc: number };
  handle: JournalServerHandle | undefined;
}

export class InProcessCluster {
  placement!: PlacementCenterHandle;
  client!: PlacementClient;
  /** appends and reads over the data port, finding segments and leaders through placement. */
  data!: DataPortClient;
  readonly journals: InProcessJournal[] = [];

  constructor(
    private readonly dir: string,
    private readonly journalOverrides: Record<string, Record<string, unknown>> = {},
  ) {}

  async start(journalCount: number): Promise<void> {
    this.placement = await startPlacementCenter(
      loadPlacementCenterConfig({
        env: {},
        overrides: {
          node: { data_dir: join(this.dir, 'pc') },
          network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 },
          log: { level: 'silent' },
        },
      }),
      { logger },
    );
    this.client = new PlacementClient({ addresses: [this.placement.grpcAddress] });
    this.data = new DataPortClient(this.client);
    for (let id = 1; id <= journalCount; id++) {
      const journal: InProcessJournal = {
        id,
        dataDir: join(this.dir, `js${id}`),
        ports: { data: await freePort(), http: await freePort(), grpc: await freePort() },
        handle: undefined,
      };
      this.journals.push(journal);
      await this.startJournal(journal);
    }
  }

  journal(id: number): InProcessJournal {
    const j = this.journals.find((x) => x.id === id);
    if (!j) throw new Error(`test setup: no journal server ${id}`);
    return j;
  }

  async startJournal(j: InProcessJournal): Promise<void> {
    const o = this.journalOverrides;
    j.handle = await startJournalServer(
      loadJournalServerConfig({
        env: {},
        overrides: {
          ...o,
          node: { id: j.id, data_dir: j.dataDir },
          network: { host: '127.0.0.1', data_port: j.ports.data, http_port: j.ports.http, grpc_port: j.ports.grpc },
          placement: { addresses: [this.placement.grpcAddress], heartbeat_interval_ms: 300 },
          replication: { heartbeat_interval_ms: 100, leader_check_interval_ms: 200, leader_lease_ms: 1000, ...o['replication'] },
          log: { level: 'silent' },
        },
      }),
      { logger },
    );
  }

  async stopJournal(j: InProcessJournal): Promise<void> {
    const handle = j.handle;
    j.handle = undefined;
    await handle?.close();
  }

  async close(): Promise<void> {
    this.data?.close();
    for (const j of this.journals) await this.stopJournal(j);
    this.client?.close();
    await this.placement?.close();
  }
}
