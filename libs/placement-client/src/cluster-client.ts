// Placement's cluster service: data-plane nodes (brokers, journal servers) register, heartbeat and unregister;
// anyone lists the registered nodes of a cluster type.
import type { ClusterTypeName, NodeInfo, NodeInfo__Output } from '@robustmq/protocol';
import type { PlacementConnection } from './connection.js';

export class ClusterClient {
  constructor(private readonly conn: PlacementConnection) {}

  registerNode(node: NodeInfo): Promise<{ heartbeatIntervalMs: number; heartbeatTimeoutMs: number }> {
    return this.conn.call('cluster', 'RegisterNode', { node, requestId: this.conn.requestId() });
  }

  async heartbeat(
    clusterType: ClusterTypeName,
    clusterName: string,
    nodeId: number,
    timeoutMs?: number,
  ): Promise<void> {
    await this.conn.call('cluster', 'Heartbeat', { clusterType, clusterName, nodeId }, timeoutMs);
  }

  async unregisterNode(
    clusterType: ClusterTypeName,
    clusterName: string,
    nodeId: number,
    timeoutMs?: number,
  ): Promise<void> {
    await this.conn.call(
      'cluster',
      'UnregisterNode',
      { clusterType, clusterName, nodeId, requestId: this.conn.requestId() },
      timeoutMs,
    );
  }

  async listNodes(clusterType?: ClusterTypeName, clusterName = ''): Promise<NodeInfo__Output[]> {
    const reply = await this.conn.call<{ nodes: NodeInfo__Output[] }>('cluster', 'ListNodes', {
      clusterType: clusterType ?? 'CLUSTER_TYPE_UNSPECIFIED',
      clusterName,
    });
    return reply.nodes;
  }
}
