// Keeps a data-plane node (broker, journal server) known to placement: register at start, heartbeat on an interval,
// register again when placement answers that it does not know the node (it expired it, or lost its state), and
// unregister at clean shutdown.
import * as grpc from '@grpc/grpc-js';
import type { NodeInfo } from '@robustmq/protocol';
import type { ClusterTypeName } from '@robustmq/protocol';
import type { Logger } from '@robustmq/common';
import { PlacementError } from './connection.js';
import type { PlacementClient } from './placement-client.js';

export interface NodeRegistrarOptions {
  /** only its cluster service is used. */
  client: Pick<PlacementClient, 'cluster'>;
  node: NodeInfo & { clusterType: ClusterTypeName; nodeId: number; clusterName: string };
  heartbeatIntervalMs: number;
  logger: Logger;
}

export class NodeRegistrar {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private registered = false;

  constructor(private readonly options: NodeRegistrarOptions) {}

  /** Registers the node; resolves once placement has accepted it (retrying across members until the deadline). */
  async start(): Promise<void> {
    await this.register();
    this.timer = setInterval(() => {
      // one heartbeat at a time: a slow placement must not pile up calls
      if (this.inFlight || this.stopped) return;
      this.inFlight = this.beat().finally(() => (this.inFlight = undefined));
    }, this.options.heartbeatIntervalMs);
    this.timer.unref();
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  private async register(): Promise<void> {
    const { client, node, logger } = this.options;
    await client.cluster.registerNode(node);
    this.registered = true;
    logger.info({ clusterType: node.clusterType, nodeId: node.nodeId }, 'registered with placement center');
  }

  private async beat(): Promise<void> {
    const { client, node, logger, heartbeatIntervalMs } = this.options;
    try {
      await client.cluster.heartbeat(
        node.clusterType,
        node.clusterName,
        node.nodeId,
        Math.max(heartbeatIntervalMs * 3, 1000),
      );
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) {
        this.registered = false;
        logger.warn({ nodeId: node.nodeId }, 'placement center does not know this node; registering again');
        try {
          await this.register();
        } catch (registerErr) {
          logger.error({ err: registerErr }, 'registering again failed; will retry on the next heartbeat');
        }
        return;
      }
      logger.warn({ err }, 'heartbeat to placement center failed');
    }
  }

  /** Stops heartbeating and unregisters (best effort, bounded by timeoutMs); false when unregistering failed (or
   * was done before). */
  async stop(timeoutMs = 3_000): Promise<boolean> {
    if (this.stopped) return false;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.inFlight;
    const { client, node, logger } = this.options;
    try {
      await client.cluster.unregisterNode(node.clusterType, node.clusterName, node.nodeId, timeoutMs);
      logger.info({ nodeId: node.nodeId }, 'unregistered from placement center');
    } catch (err) {
      logger.warn({ err }, 'unregister from placement center failed; placement will expire the node');
      this.registered = false;
      return false;
    }
    this.registered = false;
    return true;
  }
}
