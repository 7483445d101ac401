// The journal server's Prometheus metrics (data port and replication), registered on the service's registry.
// Dashboards (deploy/grafana/robustmq.json) read append latency and replica lag from here.
import { Counter, Gauge, Histogram, type Registry } from '@robustmq/common';
import type { JournalNode } from '../replication/journal-node.js';

export interface JournalMetrics {
  appendedRecords: Counter;
  duplicateAppends: Counter;
  readRecords: Counter;
  replicatedBatches: Counter;
  badFrames: Counter;
  requestErrors: Counter<'code'>;
  appendSeconds: Histogram;
}

export function createJournalMetrics(registry: Registry): JournalMetrics {
  return {
    appendedRecords: new Counter({
      name: 'journal_appended_records_total',
      help: 'records acknowledged to writers as leader',
      registers: [registry],
    }),
    duplicateAppends: new Counter({
      name: 'journal_duplicate_appends_total',
      help: 'idempotent appends that repeated a request already written, answered with its offsets instead of written again',
      registers: [registry],
    }),
    readRecords: new Counter({
      name: 'journal_read_records_total',
      help: 'records returned to readers',
      registers: [registry],
    }),
    replicatedBatches: new Counter({
      name: 'journal_replicate_requests_total',
      help: 'replication requests accepted as follower',
      registers: [registry],
    }),
    badFrames: new Counter({
      name: 'journal_bad_frames_total',
      help: 'frames refused on the data port (garbage, oversized, unknown type)',
      registers: [registry],
    }),
    requestErrors: new Counter({
      name: 'journal_request_errors_total',
      help: 'data-port requests answered with an error, by code',
      labelNames: ['code'],
      registers: [registry],
    }),
    appendSeconds: new Histogram({
      name: 'journal_append_seconds',
      help: "Append requests as leader, from receipt to acknowledgement (durable at the shard's acks)",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

/** Records behind the leader, per follower of the segments this node leads (the largest over its segments), read
 * at scrape time so an idle follower's lag is still current. */
export function registerReplicaLag(registry: Registry, node: JournalNode): void {
  new Gauge({
    name: 'journal_replica_lag_records',
    help: 'Records a follower replica is behind this leader (max over the segments this node leads)',
    labelNames: ['follower'],
    registers: [registry],
    collect() {
      this.reset();
      const lag = new Map<number, number>();
      for (const leader of node.leaders.values()) {
        for (const f of leader.followers.values()) {
          lag.set(f.nodeId, Math.max(lag.get(f.nodeId) ?? 0, Math.max(0, leader.seg.endOffset - f.match)));
        }
      }
      for (const [follower, value] of lag) this.set({ follower: String(follower) }, value);
    },
  });
}
