// gRPC KvService: set / get / delete / exists / list-by-prefix / compare-and-set / watch. Writes go through the
// proposer; reads wait for the read barrier (linearizable) unless the request asks for a stale read.
import * as grpc from '@grpc/grpc-js';
import type { KvServiceHandlers } from '@robustmq/protocol';
import type { Proposer } from '../state/proposer.js';
import type { KvEntry } from '../state/records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { WatchCompactedError, startWatch } from '../state/watch-hub.js';
import { InvalidArgument, grpcError, unary } from './grpc-errors.js';

export const MAX_KEY_BYTES = 4096;
export const MAX_VALUE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_LIST_LIMIT = 1000;
export const MAX_LIST_LIMIT = 10_000;

export function checkKey(key: string): void {
  if (!key) throw new InvalidArgument('key must not be empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new InvalidArgument(`key is longer than ${MAX_KEY_BYTES} bytes`);
}

export function checkValue(value: Buffer): void {
  if (value.length > MAX_VALUE_BYTES) throw new InvalidArgument(`value is larger than ${MAX_VALUE_BYTES} bytes`);
}

class KeyNotFound extends Error {}

const MAX_REQUEST_ID = 128;

function requestIdOf(request: { requestId: string }): { requestId?: string } {
  if (!request.requestId) return {};
  if (request.requestId.length > MAX_REQUEST_ID) throw new InvalidArgument(`request_id is longer than ${MAX_REQUEST_ID} characters`);
  return { requestId: request.requestId };
}

function toKeyValue(kv: KvEntry) {
  return { key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version };
}

export function kvServiceHandlers(sm: PlacementStateMachine, proposer: Proposer): KvServiceHandlers {
  const barrier = (read: { stale: boolean } | null) => (read?.stale ? Promise.resolve() : proposer.readBarrier());
  return {
    Set: unary(async (request) => {
      checkKey(request.key);
      checkValue(request.value);
      const result = await proposer.propose({ type: 'kv.set', key: request.key, value: request.value, ...requestIdOf(request) });
      return { revision: result.revision };
    }),
    Get: unary(
      async (request) => {
        checkKey(request.key);
        await barrier(request.read);
        const kv = await sm.kvGet(request.key);
        if (kv === undefined) throw new KeyNotFound(`key "${request.key}" not found`);
        return { value: kv.value, kv: toKeyValue(kv) };
      },
      (err) => (err instanceof KeyNotFound ? grpcError(grpc.status.NOT_FOUND, err.message) : undefined),
    ),
    Delete: unary(async (request) => {
      checkKey(request.key);
      const result = await proposer.propose({ type: 'kv.delete', key: request.key, ...requestIdOf(request) });
      return { deleted: result.deleted, revision: result.revision };
    }),
    Exists: unary(async (request) => {
      checkKey(request.key);
      await barrier(request.read);
      return { exists: (await sm.kvGet(request.key)) !== undefined };
    }),
    ListPrefix: unary(async (request) => {
      if (request.limit > MAX_LIST_LIMIT) throw new InvalidArgument(`limit must be at most ${MAX_LIST_LIMIT}`);
      await barrier(request.read);
      const page = await sm.kvList(request.prefix, request.startAfter, request.limit || DEFAULT_LIST_LIMIT);
      return { items: page.items.map(toKeyValue), more: page.more, revision: page.revision };
    }),
    CompareAndSet: unary(async (request) => {
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
    }),
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
