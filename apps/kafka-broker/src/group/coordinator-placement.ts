// Which kafka-broker coordinates which consumer group. Every broker knows the live kafka-broker nodes from placement
// (they register and heartbeat like the MQTT brokers; placement expires the dead), and every broker ranks them for a
// group the same way — rendezvous hashing: the node with the highest hash(group, node id) wins — so the brokers agree
// on each group's coordinator without a table to keep, groups spread evenly over the nodes, and a node joining or
// leaving moves only the groups it wins or held (about 1/N of them), not all.
//
// While two brokers' views of the node list differ (for one refresh interval after a change) both may accept a group;
// members of the group that talk to the one that is no longer its coordinator get NOT_COORDINATOR as soon as its view
// catches up, and find the new one. Committed offsets are in placement, so either one reads and writes the same ones.
import { createHash } from 'node:crypto';

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

function score(key: string, nodeId: number): bigint {
  return createHash('sha256').update(`${nodeId}\u0000${key}`).digest().readBigUInt64BE(0);
}

export class CoordinatorPlacement {
  constructor(
    private readonly selfId: number,
    /** the live kafka-broker nodes, this one included (a cached view, refreshed by the caller). */
    private readonly brokers: () => readonly BrokerAddress[],
  ) {}

  /** the coordinator of a group (or transactional id), or undefined while no broker is known. */
  coordinatorFor(key: string): BrokerAddress | undefined {
    let best: BrokerAddress | undefined;
    let bestScore = -1n;
    for (const b of this.brokers()) {
      const s = score(key, b.nodeId);
      if (s > bestScore || (s === bestScore && best !== undefined && b.nodeId < best.nodeId)) {
        best = b;
        bestScore = s;
      }
    }
    return best;
  }

  owns(key: string): boolean {
    const owner = this.coordinatorFor(key);
    // with no view of the cluster yet, a lone broker coordinates everything it is asked about
    return owner === undefined || owner.nodeId === this.selfId;
  }
}
