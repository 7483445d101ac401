// The broker's Prometheus metrics. The hot path bumps plain numbers in Broker.stats; these metrics read them only
// when scraped, so publishing a message costs no metric-library call.
import {
  Counter,
  collectProcessMetrics,
  createMetricsRegistry,
  scrapedCounter,
  scrapedGauge,
  type Registry,
} from '@robustmq/common';
import type { Broker, BrokerStats } from '../core/broker-core.js';

export function createBrokerMetrics(broker: Broker, nodeId: number): Registry {
  const registry = createMetricsRegistry('mqtt-broker', nodeId);
  collectProcessMetrics(registry);

  const gauges: [name: string, help: string, read: () => number][] = [
    ['mqtt_connections', 'Open client sockets (connected or awaiting CONNECT)', () => broker.connectionCount],
    ['mqtt_clients_connected', 'Clients that completed CONNECT', () => broker.clientCount],
    [
      'mqtt_sessions_reading_log',
      'Sessions reading the message log (away, connecting, catching up); a QoS 0 message one of them subscribes to is appended to the log',
      () => broker.logReaderCount,
    ],
    ['mqtt_subscriptions', 'Subscriptions (client, topic filter) held', () => broker.subscriptionCount],
  ];
  for (const [name, help, read] of gauges) scrapedGauge(registry, name, help, read);

  const counter = (name: string, help: string, stat: keyof BrokerStats) =>
    scrapedCounter(registry, name, help, () => broker.stats[stat]);
  counter(
    'mqtt_connections_accepted_total',
    'Connections accepted (TCP, TLS, WebSocket, WSS)',
    'connectionsAccepted',
  );
  counter('mqtt_messages_received_total', 'PUBLISH packets received from clients', 'messagesReceived');
  counter('mqtt_messages_sent_total', 'PUBLISH packets sent to subscribers', 'messagesSent');
  counter(
    'mqtt_messages_dropped_total',
    'Messages not sent: slow subscriber, session too far behind (QoS 0), too large for the client, no shared-group member free, refused $delayed',
    'messagesDropped',
  );
  counter(
    'mqtt_packets_too_large_total',
    "Packets not sent because they exceeded the client's Maximum Packet Size",
    'packetsTooLarge',
  );
  counter(
    'mqtt_shared_dropped_total',
    'Messages to a shared subscription group that no member could take',
    'sharedDropped',
  );
  counter(
    'mqtt_log_read_retries_total',
    "A session's read of the message log that failed (storage unreachable) and was tried again",
    'logReadRetries',
  );
  counter(
    'mqtt_log_reads_total',
    "Reads of the message log from storage by sessions catching up (a session only a little behind takes the log's recent messages from memory)",
    'logReads',
  );
  counter(
    'mqtt_position_commits_total',
    "Sessions' positions in the message log written to storage (in a cluster, one placement write each)",
    'positionCommits',
  );
  counter(
    'mqtt_qos0_unlogged_total',
    'QoS 0 messages a lone broker did not append to its message log: no session reading the log subscribed to them',
    'qos0Unlogged',
  );
  new Counter({
    name: 'mqtt_protocol_violations_total',
    help: 'Connections closed for a packet that breaks the MQTT spec (malformed or protocol error), by kind of rule',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of broker.protocolViolations) this.inc({ kind }, count);
    },
  });
  counter('mqtt_bytes_received_total', 'Bytes read from client sockets', 'bytesReceived');
  counter('mqtt_bytes_sent_total', 'Bytes written to client sockets', 'bytesSent');
  return registry;
}
