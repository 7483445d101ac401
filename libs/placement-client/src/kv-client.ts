// Placement's KV service: get/set/delete/exists/compare-and-set (auto-batched per event-loop turn, kv-batcher.ts, and
// sent as requests on one BatchStream per member, kv-stream.ts),
// prefix listing, and watch — a prefix followed in order and without gaps across reconnects to any member.
import * as grpc from '@grpc/grpc-js';
import type { BatchOp, BatchOpResult__Output, KeyValue__Output } from '@robustmq/protocol';
import { Backoff } from './backoff.js';
import { PlacementError, type PlacementConnection } from './connection.js';
import { KV_METHOD, KvBatcher, type KvOpKind, type KvOpRequest } from './kv-batcher.js';

export type KvEntry = KeyValue__Output;

const opError = (code: grpc.status, method: string, message: string): PlacementError =>
  new PlacementError(code, `${method}: ${message}`);
export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  kv: KvEntry;
}

export class KvClient {
  private readonly batcher: KvBatcher | undefined;
  /** Set when a member answered UNIMPLEMENTED for BatchStream (older code): unary calls from then on. */
  private streamUnsupported = false;

  constructor(
    private readonly conn: PlacementConnection,
    options: { batching?: boolean } = {},
  ) {
    this.batcher =
      options.batching === false
        ? undefined
        : new KvBatcher({
            single: (kind, request) => this.single(kind, request),
            batch: (ops) => this.batch(ops),
            opError,
          });
  }

  /** One operation: a Batch of one on the member's stream (kv-stream.ts), or its own unary call. */
  private async single(kind: KvOpKind, request: object): Promise<unknown> {
    if (!this.streamUnsupported) {
      const results = await this.overStream([{ [kind]: request } as BatchOp]);
      if (results) {
        const result = results[0];
        if (results.length !== 1 || !result)
          throw opError(grpc.status.INTERNAL, KV_METHOD[kind], `${results.length} results for 1 operation`);
        if (result.code !== grpc.status.OK) throw opError(result.code, KV_METHOD[kind], result.message);
        return result[kind];
      }
    }
    return this.conn.call('kv', KV_METHOD[kind], request);
  }

  private async batch(ops: BatchOp[]): Promise<BatchOpResult__Output[]> {
    if (!this.streamUnsupported) {
      const results = await this.overStream(ops);
      if (results) return results;
    }
    return (await this.conn.call<{ results: BatchOpResult__Output[] }>('kv', 'Batch', { ops })).results;
  }

  /** The results over the stream; undefined when the member does not know BatchStream (then never again). */
  private async overStream(ops: BatchOp[]): Promise<BatchOpResult__Output[] | undefined> {
    try {
      return await this.conn.batchOverStream(ops);
    } catch (err) {
      if (!(err instanceof PlacementError) || err.code !== grpc.status.UNIMPLEMENTED) throw err;
      this.streamUnsupported = true;
      return undefined;
    }
  }

  /** A KV operation: batched with the other KV calls of this event-loop turn unless batching is off. */
  private op<Res>(kind: KvOpKind, request: KvOpRequest): Promise<Res> {
    return (
      this.batcher ? this.batcher.run(kind, request) : this.conn.call('kv', KV_METHOD[kind], request)
    ) as Promise<Res>;
  }

  async set(key: string, value: Buffer | string): Promise<void> {
    await this.op('set', { key, value: Buffer.from(value), requestId: this.conn.requestId() });
  }

  /** The value, or undefined when the key is absent. */
  async get(key: string): Promise<Buffer | undefined> {
    try {
      const reply = await this.op<{ value: Buffer }>('get', { key });
      return reply.value;
    } catch (err) {
      if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** The entry with its revisions, or undefined when the key is absent. `stale` reads may lag the leader. */
  async getEntry(key: string, options: { stale?: boolean } = {}): Promise<KvEntry | undefined> {
    try {
      const reply = await this.op<{ kv: KvEntry }>('get', { key, read: { stale: options.stale ?? false } });
      return reply.kv;
    } catch (err) {
      if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** Sets key to value if its mod revision is expectedModRevision (0: only if absent). */
  async compareAndSet(
    key: string,
    expectedModRevision: number,
    value: Buffer | string,
  ): Promise<{ succeeded: boolean; revision: number; current: KvEntry | null }> {
    return this.op('compareAndSet', {
      key,
      expectedModRevision,
      value: Buffer.from(value),
      requestId: this.conn.requestId(),
    });
  }

  async delete(key: string): Promise<boolean> {
    const reply = await this.op<{ deleted: boolean }>('delete', { key, requestId: this.conn.requestId() });
    return reply.deleted;
  }

  async exists(key: string): Promise<boolean> {
    const reply = await this.op<{ exists: boolean }>('exists', { key });
    return reply.exists;
  }

  async listPrefix(
    prefix: string,
    startAfter = '',
    limit = 0,
  ): Promise<{ items: KvEntry[]; more: boolean; revision: number }> {
    return this.conn.call('kv', 'ListPrefix', { prefix, startAfter, limit });
  }

  /**
   * Follows every change under prefix from startRevision (default: changes after now), in order and without gaps,
   * reconnecting (to any member) from the last seen revision when the stream breaks. Stops on cancel() or when the
   * revision has been compacted (onError with OUT_OF_RANGE).
   */
  watch(
    prefix: string,
    options: {
      startRevision?: number;
      onEvent: (event: WatchEvent) => void;
      onError?: (err: PlacementError) => void;
    },
  ): { cancel(): void } {
    let cancelled = false;
    let stream: grpc.ClientReadableStream<WatchEvent> | undefined;
    let next = options.startRevision ?? 0;
    const backoff = new Backoff({ initialMs: 50, maxMs: 2_000 });
    const open = async () => {
      if (cancelled) return;
      if (next === 0) {
        // learn the current revision first, so a reconnect before the first event cannot miss changes
        try {
          next = (await this.listPrefix(prefix, '', 1)).revision + 1;
        } catch {
          setTimeout(() => void open(), backoff.next()).unref();
          return;
        }
      }
      const stub = this.conn.currentStub('kv');
      const s = (stub as unknown as { Watch(req: object): grpc.ClientReadableStream<WatchEvent> }).Watch({
        prefix,
        startRevision: next,
      });
      stream = s;
      let reopened = false;
      const reopen = () => {
        if (reopened || cancelled) return;
        reopened = true;
        setTimeout(() => void open(), backoff.next()).unref();
      };
      s.on('data', (event: WatchEvent) => {
        backoff.reset();
        next = event.kv.modRevision + 1;
        options.onEvent(event);
      });
      s.on('error', (err: grpc.ServiceError) => {
        if (cancelled) return;
        if (err.code === grpc.status.OUT_OF_RANGE) {
          cancelled = true;
          options.onError?.(new PlacementError(err.code, `Watch: ${err.details}`));
          return;
        }
        this.conn.rotate();
        reopen();
      });
      s.on('end', reopen);
    };
    void open();
    return {
      cancel() {
        cancelled = true;
        stream?.cancel();
      },
    };
  }
}
