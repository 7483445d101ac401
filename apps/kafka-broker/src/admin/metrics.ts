// The Kafka broker's Prometheus metrics, read from KafkaStats when scraped (the request path bumps plain numbers).
import { Counter, Gauge, collectProcessMetrics, createMetricsRegistry, type Registry } from '@robustmq/common';
import type { KafkaStats } from '../server/stats.js';

export function createKafkaMetrics(stats: KafkaStats, nodeId: number): Registry {
  const registry = createMetricsRegistry('kafka-broker', nodeId);
  collectProcessMetrics(registry);
  new Gauge({
    name: 'kafka_connections',
    help: 'Open Kafka client connections',
    registers: [registry],
    collect() {
      this.set(stats.connections);
    },
  });
  new Counter({
    name: 'kafka_requests_total',
    help: 'Kafka requests received, by API ("unsupported": an API or version this broker does not offer)',
    labelNames: ['api'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [api, n] of stats.requests) this.inc({ api }, n);
    },
  });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('kafka_connections_total', 'Kafka connections accepted', () => stats.connectionsTotal);
  counter('kafka_request_errors_total', 'Requests answered UNSUPPORTED_VERSION or failed unexpectedly', () => stats.requestErrors);
  counter('kafka_protocol_errors_total', 'Connections closed for malformed or oversized requests', () => stats.protocolErrors);
  counter('kafka_auth_failures_total', 'Failed or skipped SASL authentications', () => stats.authFailures);
  counter('kafka_produced_records_total', 'Records appended by Produce', () => stats.producedRecords);
  counter('kafka_produced_bytes_total', 'Value bytes appended by Produce', () => stats.producedBytes);
  counter('kafka_fetched_records_total', 'Records returned by Fetch', () => stats.fetchedRecords);
  counter('kafka_fetched_bytes_total', 'Record batch bytes returned by Fetch', () => stats.fetchedBytes);
  return registry;
}
