// Counters the hot path bumps as plain numbers; the Prometheus metrics (admin/metrics.ts) read them when scraped.
export class KafkaStats {
  connections = 0;
  connectionsTotal = 0;
  requests = new Map<string, number>();
  requestErrors = 0;
  /** connections closed for malformed input, a frame over the size limit, or a failed authentication. */
  protocolErrors = 0;
  authFailures = 0;
  producedRecords = 0;
  producedBytes = 0;
  fetchedRecords = 0;
  fetchedBytes = 0;
  /** idempotent batches answered as already stored (a producer's retry), and refused for their sequence or epoch. */
  duplicateBatches = 0;
  sequenceErrors = 0;

  countRequest(api: string): void {
    this.requests.set(api, (this.requests.get(api) ?? 0) + 1);
  }
}
