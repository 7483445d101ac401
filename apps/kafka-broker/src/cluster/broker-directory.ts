// Which kafka-brokers are alive and which of them leads each partition. The live list comes from placement (the
// KAFKA_BROKER nodes that heartbeat), re-read on a timer; this broker is always in it, so a placement hiccup never
// leaves Metadata without a leader. Leadership is a pure function of the sorted live list, so every broker computes
// the same answer and a dead broker's partitions move to the others as soon as placement expires it. Any broker can
// serve any partition (they all reach the same journal shards), so a client acting on an older list is served too.
import type { Logger } from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';
import { ClusterTypes } from '@robustmq/protocol';

/** The Kafka listeners a broker may serve, named as their ports are registered with placement. */
export type KafkaListener = 'kafka' | 'kafka_tls';

export interface KafkaNode {
  nodeId: number;
  host: string;
  /** the advertised plaintext port; 0 = none. */
  port: number;
  /** the advertised TLS port; 0 = none. */
  tlsPort: number;
}

/**
 * The port of `node` a client that came in on `listener` is told to dial: the same kind of listener, as Kafka's
 * advertised listeners are matched by name. Every broker of a cluster should serve the same listeners (as Kafka
 * requires); a node without that one is named with its other port, which that client will fail to use.
 */
export function advertisedPort(node: KafkaNode, listener: KafkaListener): number {
  const want = listener === 'kafka_tls' ? node.tlsPort : node.port;
  return want > 0 ? want : node.port || node.tlsPort;
}

/** FNV-1a of the topic name: spreads partition 0 of different topics over different brokers. */
function topicHash(topic: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) {
    h ^= topic.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class BrokerDirectory {
  private nodes: KafkaNode[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly self: KafkaNode,
    private readonly placement: PlacementClient,
    private readonly clusterName: string,
    private readonly refreshMs: number,
    private readonly logger: Logger,
  ) {
    this.nodes = [self];
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    try {
      const listed = await this.placement.cluster.listNodes(ClusterTypes.kafkaBroker, this.clusterName);
      const nodes = listed
        .map((n) => {
          const ports = n.ports as Record<string, number>;
          return {
            nodeId: n.nodeId,
            host: n.host,
            port: ports['kafka'] ?? 0,
            tlsPort: ports['kafka_tls'] ?? 0,
          };
        })
        .filter((n) => (n.port > 0 || n.tlsPort > 0) && n.nodeId !== this.self.nodeId);
      this.nodes = [...nodes, this.self].sort((a, b) => a.nodeId - b.nodeId);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'could not refresh the kafka-broker list from placement; keeping the last one',
      );
    }
  }

  /** the live brokers, by node id. */
  get brokers(): readonly KafkaNode[] {
    return this.nodes;
  }

  leaderOf(topic: string, partition: number): number {
    const n = this.nodes.length;
    return this.nodes[(topicHash(topic) + partition) % n]!.nodeId;
  }

  /** the broker Metadata names as controller: the lowest live node id. */
  get controllerId(): number {
    return this.nodes[0]!.nodeId;
  }
}
