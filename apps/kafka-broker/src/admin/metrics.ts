// The Kafka broker's Prometheus metrics, read from KafkaStats when scraped (the request path bumps plain numbers).
import {
  Counter,
  Gauge,
  collectProcessMetrics,
  createMetricsRegistry,
  scrapedCounter,
  scrapedGauge,
  type Registry,
} from '@robustmq/common';
import type { BridgeStats } from '../bridge/bridge-runner.js';
import type { GroupSummary } from '../group/group-coordinator.js';
import type { KafkaStats } from '../server/stats.js';

/** what the group coordinator and the bridges report, read when scraped. */
export interface KafkaMetricSources {
  groups(): GroupSummary;
  bridges(): ReadonlyMap<string, BridgeStats>;
}

export function createKafkaMetrics(
  stats: KafkaStats,
  nodeId: number,
  sources?: KafkaMetricSources,
): Registry {
  const registry = createMetricsRegistry('kafka-broker', nodeId);
  collectProcessMetrics(registry);
  scrapedGauge(registry, 'kafka_connections', 'Open Kafka client connections', () => stats.connections);
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
    scrapedCounter(registry, name, help, read);
  const counters: [
    name: string,
    help: string,
    stat: Exclude<keyof KafkaStats, 'requests' | 'countRequest'>,
  ][] = [
    ['kafka_connections_total', 'Kafka connections accepted', 'connectionsTotal'],
    [
      'kafka_request_errors_total',
      'Requests answered UNSUPPORTED_VERSION or failed unexpectedly',
      'requestErrors',
    ],
    [
      'kafka_protocol_errors_total',
      'Connections closed for malformed or oversized requests',
      'protocolErrors',
    ],
    ['kafka_auth_failures_total', 'Failed or skipped SASL authentications', 'authFailures'],
    ['kafka_produced_records_total', 'Records appended by Produce', 'producedRecords'],
    ['kafka_produced_bytes_total', 'Value bytes appended by Produce', 'producedBytes'],
    ['kafka_fetched_records_total', 'Records returned by Fetch', 'fetchedRecords'],
    ['kafka_fetched_bytes_total', 'Record batch bytes returned by Fetch', 'fetchedBytes'],
    [
      'kafka_idempotent_duplicates_total',
      'Idempotent batches answered as already stored (retries), not stored again',
      'duplicateBatches',
    ],
    [
      'kafka_idempotent_sequence_errors_total',
      'Idempotent batches refused: OUT_OF_ORDER_SEQUENCE_NUMBER, DUPLICATE_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH',
      'sequenceErrors',
    ],
  ];
  for (const [name, help, stat] of counters) counter(name, help, () => stats[stat]);
  if (!sources) return registry;
  new Gauge({
    name: 'kafka_groups',
    help: 'Consumer groups with members that this broker coordinates, by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, n] of Object.entries(sources.groups().groups)) this.set({ state }, n);
    },
  });
  scrapedGauge(
    registry,
    'kafka_group_members',
    'Members of the consumer groups this broker coordinates',
    () => sources.groups().members,
  );
  counter(
    'kafka_group_rebalances_total',
    'Consumer group rebalances started on this broker',
    () => sources.groups().rebalances,
  );
  new Counter({
    name: 'kafka_bridge_records_total',
    help: 'Records an MQTT <-> Kafka bridge copied on this broker, by bridge and direction',
    labelNames: ['bridge', 'direction'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [bridge, s] of sources.bridges()) {
        this.inc({ bridge, direction: 'mqtt-to-kafka' }, s.mqttToKafka);
        this.inc({ bridge, direction: 'kafka-to-mqtt' }, s.kafkaToMqtt);
      }
    },
  });
  new Counter({
    name: 'kafka_bridge_errors_total',
    help: 'Failed copy rounds of an MQTT <-> Kafka bridge (retried), by bridge',
    labelNames: ['bridge'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [bridge, s] of sources.bridges()) this.inc({ bridge }, s.errors);
    },
  });
  return registry;
}
