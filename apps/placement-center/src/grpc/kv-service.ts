// gRPC KvService: set / get / delete / exists / list-by-prefix over the placement store.
import * as grpc from '@grpc/grpc-js';
import type { KvServiceHandlers } from '@robustmq/protocol';
import type { PlacementStore } from '../store/placement-store.js';
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

export function kvServiceHandlers(store: PlacementStore): KvServiceHandlers {
  return {
    Set: unary(async (request) => {
      checkKey(request.key);
      checkValue(request.value);
      await store.kvSet(request.key, request.value);
      return {};
    }),
    Get: unary(
      async (request) => {
        checkKey(request.key);
        const value = await store.kvGet(request.key);
        if (value === undefined) throw new KeyNotFound(`key "${request.key}" not found`);
        return { value };
      },
      (err) => (err instanceof KeyNotFound ? grpcError(grpc.status.NOT_FOUND, err.message) : undefined),
    ),
    Delete: unary(async (request) => {
      checkKey(request.key);
      return { deleted: await store.kvDelete(request.key) };
    }),
    Exists: unary(async (request) => {
      checkKey(request.key);
      return { exists: (await store.kvGet(request.key)) !== undefined };
    }),
    ListPrefix: unary(async (request) => {
      if (request.limit > MAX_LIST_LIMIT) throw new InvalidArgument(`limit must be at most ${MAX_LIST_LIMIT}`);
      const limit = request.limit || DEFAULT_LIST_LIMIT;
      return store.kvList(request.prefix, request.startAfter, limit);
    }),
  };
}
