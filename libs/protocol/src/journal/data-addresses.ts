// Where the journal servers' data ports are, by node id, as placement lists them: read on a miss (or when the caller
// says its copy looks stale), and one entry forgotten when its server may have restarted on another port. Shared by
// the journal StorageAdapter and the journal servers' replication, which both dial the data ports.
import { JournalError } from './frames.js';

/** a registered node as placement's ListNodes answers (the fields this needs). */
export interface ListedNode {
  nodeId: number;
  host: string;
  ports: Record<string, number>;
}

export class JournalDataAddresses {
  private nodes = new Map<number, string>();

  /** `listJournalServers`: placement's JOURNAL_SERVER nodes (with the caller's own error mapping). */
  constructor(private readonly listJournalServers: () => Promise<ListedNode[]>) {}

  /** host:port of `nodeId`'s data port; UNAVAILABLE when it is not registered. */
  async get(nodeId: number, refresh = false): Promise<string> {
    let address = this.nodes.get(nodeId);
    if (!address || refresh) {
      const nodes = await this.listJournalServers();
      this.nodes = new Map(
        nodes.filter((n) => n.ports['data']).map((n) => [n.nodeId, `${n.host}:${n.ports['data']}`] as const),
      );
      address = this.nodes.get(nodeId);
    }
    if (!address)
      throw new JournalError('UNAVAILABLE', `journal server ${nodeId} is not registered with placement`);
    return address;
  }

  /** the address known now, without asking placement. */
  cached(nodeId: number): string | undefined {
    return this.nodes.get(nodeId);
  }

  /** forgets `nodeId`'s address (it may have restarted on another port); the next get() asks placement. */
  forget(nodeId: number): void {
    this.nodes.delete(nodeId);
  }
}
