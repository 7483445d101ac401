// The journal server's Prometheus metrics (data port and replication), registered on the service's registry.
import { Counter, type Registry } from '@robustmq/common';

export interface JournalMetrics {
  appendedRecords: Counter;
  readRecords: Counter;
  replicatedBatches: Counter;
  badFrames: Counter;
  requestErrors: Counter<'code'>;
}

export function createJournalMetrics(registry: Registry): JournalMetrics {
  return {
    appendedRecords: new Counter({ name: 'journal_appended_records_total', help: 'records acknowledged to writers as leader', registers: [registry] }),
    readRecords: new Counter({ name: 'journal_read_records_total', help: 'records returned to readers', registers: [registry] }),
    replicatedBatches: new Counter({ name: 'journal_replicate_requests_total', help: 'replication requests accepted as follower', registers: [registry] }),
    badFrames: new Counter({ name: 'journal_bad_frames_total', help: 'frames refused on the data port (garbage, oversized, unknown type)', registers: [registry] }),
    requestErrors: new Counter({ name: 'journal_request_errors_total', help: 'data-port requests answered with an error, by code', labelNames: ['code'], registers: [registry] }),
  };
}
