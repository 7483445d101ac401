// Membership in the cluster: registers this broker with the placement center under its real bound ports, keeps it
// alive with heartbeats (NodeRegistrar re-registers if placement forgets it) and unregisters on close.
import { type ClusterTls, type Logger } from '@robustmq/common';
import { NodeRegistrar, PlacementClient } from '@robustmq/placement-client';
import { ClusterTypes } from '@robustmq/protocol';
import type { MqttBrokerConfig } from '../config.js';

export interface PlacementRegistration {
  /** Unregisters; false when placement could not be told (it then expires the node). */
  stop(): Promise<boolean>;
}

export async function registerWithPlacement(
  config: MqttBrokerConfig,
  ports: { mqtt: number; http: number; tls?: number; ws?: number; wss?: number; grpc?: number },
  logger: Logger,
  authToken?: string,
  tls?: ClusterTls,
  /** this start's incarnation id (label `incarnation`): tells a restart with the same node id from the life before */
  incarnation?: string,
): Promise<PlacementRegistration> {
  const client = new PlacementClient({ addresses: config.placement.addresses, logger, authToken, tls });
  const registrar = new NodeRegistrar({
    client,
    node: {
      clusterType: ClusterTypes.mqttBroker,
      clusterName: config.node.cluster_name,
      nodeId: config.node.id,
      host: config.network.advertise_host,
      // only ports actually served are advertised; `grpc` is the inner service the placement leader calls
      ports: Object.fromEntries(Object.entries(ports).filter(([, port]) => port !== undefined)) as Record<
        string,
        number
      >,
      labels: { version: '0.1.0', ...(incarnation ? { incarnation } : {}) },
    },
    heartbeatIntervalMs: config.placement.heartbeat_interval_ms,
    logger,
  });
  try {
    await registrar.start();
  } catch (err) {
    client.close();
    throw err;
  }
  return {
    async stop() {
      const unregistered = await registrar.stop();
      client.close();
      return unregistered;
    },
  };
}
