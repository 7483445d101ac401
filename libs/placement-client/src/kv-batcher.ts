// Auto-batching of KV calls (like ioredis' auto-pipelining): the KV calls one placement KvClient receives during one
// turn of the event loop travel together in one KvService.Batch RPC instead of one RPC each. Per-call gRPC work
// (HTTP/2 stream, headers, deadline timer, callbacks — on the client and on the server) is most of what a small KV
// call costs, so a thousand concurrent callers cost a handful of RPCs. A lone call still goes on its own, so a
// single caller's latency is unchanged. (The transport — kv-client.ts — sends both as requests on one stream per
// member, kv-stream.ts, unless the member is older.) Each operation keeps its own result, error and request id (a batch is not a
// transaction), and a member without the Batch method (older code) gets one RPC per call from then on. A call that
// finds nothing queued and nothing in flight goes at once (a lone caller waits for nobody); the calls that arrive
// while it is out are the ones batched. At most one Batch is out at a time: calls made meanwhile wait for its answer
// and go, with the calls its callers make in the turn it wakes them, as the next one (group commit). Without that,
// many callers in a closed loop fell out of step — a caller answered alone called again alone, round after round —
// and each round cost a lone RPC and a Batch instead of one Batch (a Batch costs both ends about what a lone call
// does).
import * as grpc from '@grpc/grpc-js';
import type { BatchOp, BatchOpResult__Output } from '@robustmq/protocol';

export type KvOpKind = 'set' | 'get' | 'delete' | 'exists' | 'compareAndSet';

/** The request of one KV operation (the fields of SetRequest, GetRequest, ... it uses). */
export interface KvOpRequest {
  key: string;
  value?: Buffer;
  requestId?: string;
  expectedModRevision?: number;
  read?: { stale: boolean };
}

/** The unary method each operation kind is on its own, and the name its errors carry. */
export const KV_METHOD: Record<KvOpKind, string> = {
  set: 'Set',
  get: 'Get',
  delete: 'Delete',
  exists: 'Exists',
  compareAndSet: 'CompareAndSet',
};

/** Below the server's limit (10,000) and well below gRPC's 4 MiB message limit. */
export const MAX_BATCH_OPS = 2_000;
export const MAX_BATCH_BYTES = 1024 * 1024;

interface Queued {
  kind: KvOpKind;
  request: KvOpRequest;
  bytes: number;
  resolve(reply: unknown): void;
  reject(err: Error): void;
}

export interface KvBatcherTransport {
  /** One operation as its own unary RPC (with the client's retries); rejects as that RPC would. */
  single(kind: KvOpKind, request: object): Promise<unknown>;
  /** One Batch RPC (with the client's retries): one result per op, or a rejection for the whole call. */
  batch(ops: BatchOp[]): Promise<BatchOpResult__Output[]>;
  /** The error a failed operation rejects with (the client's PlacementError). */
  opError(code: grpc.status, method: string, message: string): Error;
}

export class KvBatcher {
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  /** Set when a member answered UNIMPLEMENTED for Batch: every call goes alone from then on. */
  private batchUnsupported = false;
  /** RPCs (single or Batch) sent and not yet answered. */
  private inFlight = 0;
  /** Batches sent and not yet answered (more than one only when full batches go at once): calls queue meanwhile. */
  private batchesOut = 0;
  /** Set in the turn a Batch's answer woke its callers, until the flush at its end: no call goes alone then. */
  private woke = false;

  private single(kind: KvOpKind, request: KvOpRequest): Promise<unknown> {
    this.inFlight++;
    return this.transport.single(kind, request).finally(() => this.inFlight--);
  }

  constructor(private readonly transport: KvBatcherTransport) {}

  run(kind: KvOpKind, request: KvOpRequest): Promise<unknown> {
    // Nothing queued and nothing in flight: a lone caller, who would only wait for the end of the turn — send now.
    // Callers arriving while this one is out queue up and go together.
    if (this.batchUnsupported || (this.queue.length === 0 && this.inFlight === 0 && !this.woke))
      return this.single(kind, request);
    return new Promise((resolve, reject) => {
      const bytes = Buffer.byteLength(request.key) + (request.value?.length ?? 0) + 48;
      this.queue.push({ kind, request, bytes, resolve, reject });
      this.queuedBytes += bytes;
      if (this.queue.length >= MAX_BATCH_OPS || this.queuedBytes >= MAX_BATCH_BYTES) {
        this.flush();
      } else if (this.batchesOut === 0) {
        // after this turn's I/O callbacks and the promise continuations they started, so that callers woken by one
        // reply (a closed-loop client) join the next batch together (with a Batch out, its answer schedules it)
        this.schedule();
      }
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    this.woke = false;
    const ops = this.queue;
    if (ops.length === 0) return;
    this.queue = [];
    this.queuedBytes = 0;
    if (ops.length === 1 || this.batchUnsupported) {
      for (const op of ops) this.single(op.kind, op.request).then(op.resolve, op.reject);
      return;
    }
    this.inFlight++;
    this.batchesOut++;
    void this.send(ops).finally(() => this.inFlight--);
  }

  private async send(ops: Queued[]): Promise<void> {
    let results: BatchOpResult__Output[];
    try {
      results = await this.transport.batch(ops.map((op) => ({ [op.kind]: op.request }) as BatchOp));
    } catch (err) {
      this.answered();
      if ((err as { code?: unknown }).code === grpc.status.UNIMPLEMENTED) {
        this.batchUnsupported = true;
        for (const op of ops) this.single(op.kind, op.request).then(op.resolve, op.reject);
        return;
      }
      for (const op of ops) op.reject(err as Error);
      return;
    }
    this.answered();
    if (results.length !== ops.length) {
      const err = this.transport.opError(
        grpc.status.INTERNAL,
        'Batch',
        `${results.length} results for ${ops.length} operations`,
      );
      for (const op of ops) op.reject(err);
      return;
    }
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const result = results[i]!;
      if (result.code !== grpc.status.OK)
        op.reject(this.transport.opError(result.code, KV_METHOD[op.kind], result.message));
      else op.resolve(result[op.kind]);
    }
  }

  /** The Batch out was answered, and is about to wake its callers: what they and the waiting calls ask now goes next. */
  private answered(): void {
    this.batchesOut--;
    this.woke = true;
    this.schedule();
  }
}
