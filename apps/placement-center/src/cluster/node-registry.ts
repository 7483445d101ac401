// The registry of data-plane nodes: records persist in the store, heartbeats live in memory (they change every
// second and matter only to the node that judges expiry). A node silent for longer than the timeout is removed.
import type { Logger } from '@robustmq/common';
import type { PlacementStore, StoredNode } from '../store/placement-store.js';

export interface RegisteredNode extends StoredNode {
  lastHeartbeatMs: number;
}

export class UnknownNodeError extends Error {
  constructor(clusterType: string, clusterName: string, nodeId: number) {
    super(`node ${nodeId} of ${clusterType} in cluster "${clusterName}" is not registered`);
    this.name = 'UnknownNodeError';
  }
}

function id(clusterType: string, clusterName: string, nodeId: number): string {
  return `${clusterType}/${clusterName}/${nodeId}`;
}

export class NodeRegistry {
  private readonly nodes = new Map<string, RegisteredNode>();
  private timer: NodeJS.Timeout | undefined;
  /** serialises changes so an expiry cannot interleave with a registration of the same node. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: PlacementStore,
    private readonly options: { timeoutMs: number; checkIntervalMs: number; logger: Logger },
  ) {}

  /** Loads persisted nodes; each gets a full timeout to send its first heartbeat to this (re)started placement. */
  async load(): Promise<void> {
    const now = Date.now();
    for (const node of await this.store.listNodes()) {
      this.nodes.set(id(node.clusterType, node.clusterName, node.nodeId), { ...node, lastHeartbeatMs: now });
    }
    this.timer = setInterval(() => void this.expire(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  register(node: StoredNode): Promise<void> {
    return this.serial(async () => {
      await this.store.putNode(node);
      this.nodes.set(id(node.clusterType, node.clusterName, node.nodeId), { ...node, lastHeartbeatMs: Date.now() });
      this.options.logger.info(
        { clusterType: node.clusterType, nodeId: node.nodeId, host: node.host, ports: node.ports },
        'node registered',
      );
    });
  }

  heartbeat(clusterType: string, clusterName: string, nodeId: number): void {
    const node = this.nodes.get(id(clusterType, clusterName, nodeId));
    if (!node) throw new UnknownNodeError(clusterType, clusterName, nodeId);
    node.lastHeartbeatMs = Date.now();
  }

  unregister(clusterType: string, clusterName: string, nodeId: number): Promise<void> {
    return this.serial(async () => {
      const key = id(clusterType, clusterName, nodeId);
      if (!this.nodes.has(key)) throw new UnknownNodeError(clusterType, clusterName, nodeId);
      await this.store.deleteNode(clusterType, clusterName, nodeId);
      this.nodes.delete(key);
      this.options.logger.info({ clusterType, nodeId }, 'node unregistered');
    });
  }

  list(clusterType?: string, clusterName?: string): RegisteredNode[] {
    return [...this.nodes.values()]
      .filter((n) => (!clusterType || n.clusterType === clusterType) && (!clusterName || n.clusterName === clusterName))
      .sort((a, b) => a.clusterType.localeCompare(b.clusterType) || a.nodeId - b.nodeId);
  }

  private expire(): Promise<void> {
    return this.serial(async () => {
      const deadline = Date.now() - this.options.timeoutMs;
      for (const [key, node] of this.nodes) {
        if (node.lastHeartbeatMs >= deadline) continue;
        try {
          await this.store.deleteNode(node.clusterType, node.clusterName, node.nodeId);
          this.nodes.delete(key);
          this.options.logger.warn(
            { clusterType: node.clusterType, nodeId: node.nodeId, silentMs: Date.now() - node.lastHeartbeatMs },
            'node expired: no heartbeat within the timeout',
          );
        } catch (err) {
          this.options.logger.error({ err, nodeId: node.nodeId }, 'failed to remove expired node; will retry');
        }
      }
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue;
  }
}
