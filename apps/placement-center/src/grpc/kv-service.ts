// gRPC KvService: set / get / delete / exists / list-by-prefix / compare-and-set / watch / batch. Writes go through the
// proposer; reads wait for the read barrier (linearizable) unless the request asks for a stale read.
import * as grpc from '@grpc/grpc-js';
import type {
  BatchOpResult,
  BatchReply,
  BatchRequest__Output,
  BatchStreamReply,
  BatchStreamRequest__Output,
  CompareAndSetReply,
  CompareAndSetRequest__Output,
  DeleteReply,
  DeleteRequest__Output,
  ExistsReply,
  ExistsRequest__Output,
  GetReply,
  GetRequest__Output,
  KvServiceHandlers,
  SetReply,
  SetRequest__Output,
} from '@robustmq/protocol';
import type { Proposer } from '../state/proposer.js';
import { RetryableError } from '../state/raft-proposer.js';
import type { KvEntry } from '../state/records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { WatchCompactedError, startWatch } from '../state/watch-hub.js';
import { LEADER_HINT_KEY } from '@robustmq/protocol';
import { InvalidArgument, grpcError, placementErrorOf, settleBatch, unary } from './grpc-errors.js';

export const MAX_KEY_BYTES = 4096;
export const MAX_VALUE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_LIST_LIMIT = 1000;
export const MAX_LIST_LIMIT = 10_000;

export function checkKey(key: string): void {
  if (!key) throw new InvalidArgument('key must not be empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new InvalidArgument(`key is longer than ${MAX_KEY_BYTES} bytes`);
}

export function checkValue(value: Buffer): void {
  if (value.length > MAX_VALUE_BYTES)
    throw new InvalidArgument(`value is larger than ${MAX_VALUE_BYTES} bytes`);
}

class KeyNotFound extends Error {}

const MAX_REQUEST_ID = 128;

function requestIdOf(request: { requestId: string }): { requestId?: string } {
  if (!request.requestId) return {};
  if (request.requestId.length > MAX_REQUEST_ID)
    throw new InvalidArgument(`request_id is longer than ${MAX_REQUEST_ID} characters`);
  return { requestId: request.requestId };
}

function toKeyValue(kv: KvEntry) {
  return {
    key: kv.key,
    value: kv.value,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
  };
}

/** One KV operation of a unary call or of a Batch: a reply, or an error the unary handler or the batch maps. */
interface KvOperations {
  set(request: SetRequest__Output): Promise<SetReply>;
  get(request: GetRequest__Output): Promise<GetReply>;
  delete(request: DeleteRequest__Output): Promise<DeleteReply>;
  exists(request: ExistsRequest__Output): Promise<ExistsReply>;
  compareAndSet(request: CompareAndSetRequest__Output): Promise<CompareAndSetReply>;
}

// The writes are plain promise chains, not async functions: in a Batch every operation of every client passes here,
// and each async layer (the batch item, the operation, the proposer) cost a promise and a turn per write. A bad key
// still comes back as a rejected promise (the Batch maps it to that operation's result), never a throw.
function kvOperations(
  sm: PlacementStateMachine,
  proposer: Proposer,
  barrier: (read: { stale: boolean } | null) => Promise<void>,
): KvOperations {
  return {
    set(request) {
      try {
        checkKey(request.key);
        checkValue(request.value);
        return proposer
          .propose({ type: 'kv.set', key: request.key, value: request.value, ...requestIdOf(request) })
          .then((result) => ({ revision: result.revision }));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    async get(request) {
      checkKey(request.key);
      await barrier(request.read);
      const kv = await sm.kvGet(request.key);
      if (kv === undefined) throw new KeyNotFound(`key "${request.key}" not found`);
      return { value: kv.value, kv: toKeyValue(kv) };
    },
    async delete(request) {
      checkKey(request.key);
      const result = await proposer.propose({ type: 'kv.delete', key: request.key, ...requestIdOf(request) });
      return { deleted: result.deleted, revision: result.revision };
    },
    async exists(request) {
      checkKey(request.key);
      await barrier(request.read);
      return { exists: (await sm.kvGet(request.key)) !== undefined };
    },
    async compareAndSet(request) {
      checkKey(request.key);
      checkValue(request.value);
      const result = await proposer.propose({
        type: 'kv.cas',
        key: request.key,
        expectedModRevision: request.expectedModRevision,
        value: request.value,
        ...requestIdOf(request),
      });
      return {
        succeeded: result.succeeded,
        revision: result.revision,
        ...(result.current ? { current: { key: request.key, ...result.current } } : {}),
      };
    },
  };
}

const kvError = (err: unknown) =>
  err instanceof KeyNotFound ? grpcError(grpc.status.NOT_FOUND, err.message) : undefined;

export const MAX_BATCH_OPS = 10_000;

/**
 * Runs a Batch: every operation starts in this turn of the event loop, in request order, so the writes are proposed
 * together (one Raft entry) in that order and the reads share one read barrier. An operation's own failure (a bad
 * key, an absent key) is its result; a failure that says "not here, not now" (this member is not the leader, the
 * proposal was dropped) fails the whole call so the client retries it elsewhere — its writes carry request ids, so
 * the ones that did commit are not applied twice.
 */
async function runBatch(ops: KvOperations, request: BatchRequest__Output): Promise<BatchReply> {
  if (request.ops.length > MAX_BATCH_OPS)
    throw new InvalidArgument(`a batch holds at most ${MAX_BATCH_OPS} operations, got ${request.ops.length}`);
  const results = await settleBatch(
    request.ops,
    runBatchOp(ops),
    (err) => placementErrorOf(err) ?? kvError(err),
  );
  return { results };
}

/** The reply to a stream request that failed as a whole: its status as the unary Batch would have answered it. */
function batchStreamFailure(id: number, err: unknown): BatchStreamReply {
  const mapped = placementErrorOf(err) ?? kvError(err);
  return {
    id,
    code: mapped?.code ?? grpc.status.INTERNAL,
    message: mapped?.details ?? `internal error: ${(err as Error).message}`,
    leader: mapped?.metadata?.get(LEADER_HINT_KEY)[0]?.toString() ?? '',
    results: [],
  };
}

/** The open BatchStreams of a server, so that its stop can end them (they would hold a graceful shutdown). */
export class BatchStreams {
  private readonly open = new Set<{ drain(): void }>();

  add(stream: { drain(): void }): void {
    this.open.add(stream);
  }

  delete(stream: { drain(): void }): void {
    this.open.delete(stream);
  }

  /** Each stream answers what it holds, refuses new requests (UNAVAILABLE: retry elsewhere) and ends. */
  drain(): void {
    for (const s of this.open) s.drain();
  }
}

/** One Batch operation as a promise chain (no async frame of its own; a set is the common case). */
function runBatchOp(ops: KvOperations): (op: BatchRequest__Output['ops'][number]) => Promise<BatchOpResult> {
  return (op) => {
    switch (op.op) {
      case 'set':
        return ops.set(op.set!).then((set) => ({ code: 0, message: '', set }));
      case 'get':
        return ops.get(op.get!).then((get) => ({ code: 0, message: '', get }));
      case 'delete':
        return ops.delete(op.delete!).then((del) => ({ code: 0, message: '', delete: del }));
      case 'exists':
        return ops.exists(op.exists!).then((exists) => ({ code: 0, message: '', exists }));
      case 'compareAndSet':
        return ops
          .compareAndSet(op.compareAndSet!)
          .then((compareAndSet) => ({ code: 0, message: '', compareAndSet }));
      default:
        return Promise.reject(
          new InvalidArgument(
            'batch operation names no operation (set, get, delete, exists or compare_and_set)',
          ),
        );
    }
  };
}

export function kvServiceHandlers(
  sm: PlacementStateMachine,
  proposer: Proposer,
  streams?: BatchStreams,
): KvServiceHandlers {
  const barrier = (read: { stale: boolean } | null) =>
    read?.stale ? Promise.resolve() : proposer.readBarrier();
  const ops = kvOperations(sm, proposer, barrier);
  return {
    Set: unary(ops.set),
    Get: unary(ops.get, kvError),
    Delete: unary(ops.delete),
    Exists: unary(ops.exists),
    ListPrefix: unary(async (request) => {
      if (request.limit > MAX_LIST_LIMIT)
        throw new InvalidArgument(`limit must be at most ${MAX_LIST_LIMIT}`);
      await barrier(request.read);
      const page = await sm.kvList(request.prefix, request.startAfter, request.limit || DEFAULT_LIST_LIMIT);
      return { items: page.items.map(toKeyValue), more: page.more, revision: page.revision };
    }),
    CompareAndSet: unary(ops.compareAndSet),
    Batch: unary((request) => runBatch(ops, request)),
    // Batch requests over one stream: each is run as Batch runs it, and answered (in whatever order they finish)
    // with its id; a request failing as a whole gets its status in the reply, and the stream goes on.
    BatchStream: (call) => {
      let inFlight = 0;
      let ending = false;
      const endWhenIdle = () => {
        if (ending && inFlight === 0 && call.writable) call.end();
      };
      const stream = {
        drain() {
          ending = true;
          endWhenIdle();
        },
      };
      streams?.add(stream);
      const answer = (reply: BatchStreamReply) => {
        inFlight--;
        if (call.writable) call.write(reply);
        endWhenIdle();
      };
      call.on('data', (request: BatchStreamRequest__Output) => {
        const id = request.id;
        inFlight++;
        if (ending) {
          answer(batchStreamFailure(id, new RetryableError('this placement member is shutting down')));
          return;
        }
        runBatch(ops, request).then(
          (reply) => answer({ id, code: grpc.status.OK, message: '', leader: '', results: reply.results }),
          (err: unknown) => answer(batchStreamFailure(id, err)),
        );
      });
      const closed = () => streams?.delete(stream);
      // the client half-closed: answer what it sent, then end
      call.on('end', () => {
        closed();
        stream.drain();
      });
      call.on('close', closed);
      // a client going away mid-stream is normal; it opens another
      call.on('error', closed);
    },
    Watch: (call) => {
      const { prefix, startRevision } = call.request;
      const watch = startWatch(sm, prefix, startRevision, (event) => {
        call.write({ type: event.type === 'put' ? 'PUT' : 'DELETE', kv: toKeyValue(event.kv) });
      });
      const stop = () => watch.cancel();
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
      watch.ready.catch((err: unknown) => {
        stop();
        const status = err instanceof WatchCompactedError ? grpc.status.OUT_OF_RANGE : grpc.status.INTERNAL;
        call.emit('error', grpcError(status, (err as Error).message));
      });
    },
  };
}
