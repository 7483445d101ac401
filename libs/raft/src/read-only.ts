// Pending ReadIndex rounds on the leader: each waits for a quorum of heartbeat acks carrying its context.
import type { NodeId } from './types.js';

export type ReadOnlyOption = 'safe' | 'lease';

/** Who asked for a read and with which context; `from` is the leader itself for local reads. */
export interface ReadRequest {
  readonly from: NodeId;
  readonly context: Uint8Array;
}

interface ReadIndexStatus {
  readonly req: ReadRequest;
  readonly index: number;
  readonly acks: Set<NodeId>;
}

export function contextKey(ctx: Uint8Array): string {
  let s = '';
  for (const b of ctx) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private readonly queue: string[] = [];

  /** Starts a round for `req` at commit index `index`; a duplicate context joins the existing round. */
  addRequest(index: number, req: ReadRequest): void {
    const key = contextKey(req.context);
    if (this.pending.has(key)) return;
    this.pending.set(key, { req, index, acks: new Set() });
    this.queue.push(key);
  }

  /** Records an ack; returns the acks so far, or undefined for an unknown (old or foreign) context. */
  recvAck(id: NodeId, ctx: Uint8Array): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(contextKey(ctx));
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /**
   * The round for `ctx` reached quorum: it and every round queued before it are confirmed too, because their
   * heartbeats were sent earlier and a quorum has acknowledged our leadership since.
   */
  advance(ctx: Uint8Array): { req: ReadRequest; index: number }[] {
    const key = contextKey(ctx);
    const pos = this.queue.indexOf(key);
    if (pos < 0) return [];
    const done = this.queue.splice(0, pos + 1);
    const out: { req: ReadRequest; index: number }[] = [];
    for (const k of done) {
      const rs = this.pending.get(k)!;
      this.pending.delete(k);
      out.push({ req: rs.req, index: rs.index });
    }
    return out;
  }

  lastPendingContext(): Uint8Array | undefined {
    const k = this.queue[this.queue.length - 1];
    return k === undefined ? undefined : this.pending.get(k)!.req.context;
  }

  get size(): number {
    return this.queue.length;
  }

  clear(): void {
    this.pending.clear();
    this.queue.length = 0;
  }
}
