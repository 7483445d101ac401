// In-process servers for proof tests that need no signals: one placement center and N journal servers from the test
// kit (fixed ports, so a stopped server comes back at the same address with its data dir; fast failover timers), and
// a DataPortClient over them.
import type { PlacementClient } from '@robustmq/common';
import { mergeSections, type Sections } from '@robustmq/testing';
import { FAST_FAILOVER, startTestJournal, type TestJournal } from '@robustmq/testing/journal';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';
import { DataPortClient } from './data-port-client.js';

export class InProcessCluster {
  placement!: TestPlacement;
  client!: PlacementClient;
  /** appends and reads over the data port, finding segments and leaders through placement. */
  data!: DataPortClient;
  readonly journals: TestJournal[] = [];

  /** journalOverrides: config sections for every journal server, over the kit's. */
  constructor(private readonly journalOverrides: Sections = {}) {}

  async start(journalCount: number): Promise<void> {
    this.placement = await startTestPlacement();
    this.client = this.placement.client();
    this.data = new DataPortClient(this.client);
    for (let id = 1; id <= journalCount; id++) {
      this.journals.push(
        await startTestJournal({
          id,
          placement: [this.placement.grpcAddress],
          overrides: mergeSections({ replication: FAST_FAILOVER }, this.journalOverrides),
        }),
      );
    }
  }

  journal(id: number): TestJournal {
    const j = this.journals.find((x) => x.id === id);
    if (!j) throw new Error(`test setup: no journal server ${id}`);
    return j;
  }

  startJournal(j: TestJournal): Promise<void> {
    return j.start();
  }

  stopJournal(j: TestJournal): Promise<void> {
    return j.stop();
  }

  async close(): Promise<void> {
    this.data?.close();
    for (const j of this.journals) await j.close();
    await this.placement?.stop();
  }
}
