// The registry of data-plane nodes. Registrations and removals are replicated commands; heartbeats live in memory
// (they change every second and matter only to the member that judges expiry). A node silent for longer than the
// timeout is removed through a replicated command, so every member agrees on who is registered.
import type { Logger } from '@robustmq/common';
import { NotPlacementLeaderError, type Proposer } from '../state/proposer.js';
import type { StoredNode } from '../state/records.js';
import type { RequestTagged } from '../state/request-id.js';
import type { NodeChange, PlacementStateMachine } from '../state/state-machine.js';

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
  private readonly nodes = new Map<string, StoredNode>();
  private readonly heartbeats = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private expiring = false;
  private readonly onChange = (change: NodeChange) => {
    if (change.type === 'register') {
      const key = id(change.node.clusterType, change.node.clusterName, change.node.nodeId);
      this.nodes.set(key, change.node);
      if (!this.heartbeats.has(key)) this.heartbeats.set(key, Date.now());
    } else {
      const key = id(change.clusterType, change.clusterName, change.nodeId);
      this.nodes.delete(key);
      this.heartbeats.delete(key);
      const log = { clusterType: change.clusterType, nodeId: change.nodeId };
      if (change.reason === 'expired')
        this.options.logger.warn(log, 'node expired: no heartbeat within the timeout');
      else this.options.logger.info(log, 'node unregistered');
    }
  };

  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
    private readonly options: { timeoutMs: number; checkIntervalMs: number; logger: Logger },
  ) {}

  /** Loads registered nodes; each gets a full timeout to send its first heartbeat to this (re)started member. */
  async load(): Promise<void> {
    this.sm.on('node', this.onChange);
    const now = Date.now();
    for (const node of await this.sm.listNodes()) {
      const key = id(node.clusterType, node.clusterName, node.nodeId);
      this.nodes.set(key, node);
      this.heartbeats.set(key, now);
    }
    this.timer = setInterval(() => void this.expire(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  async register(node: StoredNode, tag: RequestTagged = {}): Promise<void> {
    this.heartbeats.set(id(node.clusterType, node.clusterName, node.nodeId), Date.now());
    await this.proposer.propose({
      type: 'node.register',
      node,
      ...(tag.requestId ? { requestId: tag.requestId } : {}),
    });
    this.options.logger.info(
      { clusterType: node.clusterType, nodeId: node.nodeId, host: node.host, ports: node.ports },
      'node registered',
    );
  }

  /** Heartbeats go to the leader, the only member that judges expiry. */
  heartbeat(clusterType: string, clusterName: string, nodeId: number): void {
    const leader = this.proposer.leader();
    if (!leader.isLeader) throw new NotPlacementLeaderError(leader);
    const key = id(clusterType, clusterName, nodeId);
    if (!this.nodes.has(key)) throw new UnknownNodeError(clusterType, clusterName, nodeId);
    this.heartbeats.set(key, Date.now());
  }

  async unregister(
    clusterType: string,
    clusterName: string,
    nodeId: number,
    tag: RequestTagged = {},
  ): Promise<void> {
    const result = await this.proposer.propose({
      type: 'node.unregister',
      clusterType,
      clusterName,
      nodeId,
      reason: 'unregister',
      ...(tag.requestId ? { requestId: tag.requestId } : {}),
    });
    if (!result.existed) throw new UnknownNodeError(clusterType, clusterName, nodeId);
  }

  list(clusterType?: string, clusterName?: string): RegisteredNode[] {
    return [...this.nodes.entries()]
      .filter(
        ([, n]) =>
          (!clusterType || n.clusterType === clusterType) && (!clusterName || n.clusterName === clusterName),
      )
      .map(([key, n]) => ({ ...n, lastHeartbeatMs: this.heartbeats.get(key) ?? 0 }))
      .sort((a, b) => a.clusterType.localeCompare(b.clusterType) || a.nodeId - b.nodeId);
  }

  private wasLeader = false;

  private async expire(): Promise<void> {
    const isLeader = this.proposer.leader().isLeader;
    if (isLeader && !this.wasLeader) {
      // a new leader has seen no heartbeats yet: give every node a full timeout to find it
      const now = Date.now();
      for (const key of this.nodes.keys()) this.heartbeats.set(key, now);
    }
    this.wasLeader = isLeader;
    if (!isLeader || this.expiring) return;
    this.expiring = true;
    try {
      const deadline = Date.now() - this.options.timeoutMs;
      for (const [key, node] of [...this.nodes]) {
        if ((this.heartbeats.get(key) ?? 0) >= deadline) continue;
        try {
          await this.proposer.propose({
            type: 'node.unregister',
            clusterType: node.clusterType,
            clusterName: node.clusterName,
            nodeId: node.nodeId,
            reason: 'expired',
          });
        } catch (err) {
          this.options.logger.error(
            { err, nodeId: node.nodeId },
            'failed to remove expired node; will retry',
          );
        }
      }
    } finally {
      this.expiring = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.sm.off('node', this.onChange);
  }
}
