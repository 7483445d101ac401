// The placement center's persistent state in the local KV engine, one key prefix per domain:
//   kv/<key>                          user key-value entries
//   node/<cluster type>/<cluster>/<id> registered nodes (JSON)
// Single node for now; the Raft-replicated state machine will apply its log into this same layout.
import type { KvEngine } from '@robustmq/common';

export interface StoredNode {
  clusterType: string;
  clusterName: string;
  nodeId: number;
  host: string;
  ports: Record<string, number>;
  labels: Record<string, string>;
  registeredAtMs: number;
}

const KV = 'kv/';
const NODE = 'node/';

function nodeKey(clusterType: string, clusterName: string, nodeId: number): string {
  // zero-padded so nodes list in id order
  return `${NODE}${clusterType}/${clusterName}/${String(nodeId).padStart(20, '0')}`;
}

export class PlacementStore {
  constructor(private readonly engine: KvEngine) {}

  async kvSet(key: string, value: Buffer): Promise<void> {
    await this.engine.put(KV + key, value, { sync: true });
  }

  kvGet(key: string): Promise<Buffer | undefined> {
    return this.engine.get(KV + key);
  }

  async kvDelete(key: string): Promise<boolean> {
    const existed = (await this.engine.get(KV + key)) !== undefined;
    if (existed) await this.engine.delete(KV + key, { sync: true });
    return existed;
  }

  /** Keys under prefix after startAfter, at most limit; `more` tells whether further keys exist. */
  async kvList(
    prefix: string,
    startAfter: string,
    limit: number,
  ): Promise<{ items: { key: string; value: Buffer }[]; more: boolean }> {
    const items: { key: string; value: Buffer }[] = [];
    let more = false;
    const scan = this.engine.scan({
      prefix: KV + prefix,
      ...(startAfter ? { gt: KV + startAfter } : {}),
      limit: limit + 1,
    });
    for await (const [key, value] of scan) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push({ key: key.toString().slice(KV.length), value });
    }
    return { items, more };
  }

  async putNode(node: StoredNode): Promise<void> {
    await this.engine.put(nodeKey(node.clusterType, node.clusterName, node.nodeId), JSON.stringify(node), {
      sync: true,
    });
  }

  async deleteNode(clusterType: string, clusterName: string, nodeId: number): Promise<void> {
    await this.engine.delete(nodeKey(clusterType, clusterName, nodeId), { sync: true });
  }

  async listNodes(): Promise<StoredNode[]> {
    const nodes: StoredNode[] = [];
    for await (const [, value] of this.engine.scan({ prefix: NODE })) nodes.push(JSON.parse(value.toString()));
    return nodes;
  }
}
