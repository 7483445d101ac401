// KvService.Batch over a real gRPC connection, and PlacementClient's auto-batching of the KV calls made in one
// event-loop turn (counted on the server's own /metrics).
import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlacementError } from '@robustmq/placement-client';
import {
  newKvClient,
  type BatchOp,
  type BatchReply__Output,
  type KvServiceClient,
  type KvServiceHandlers,
} from '@robustmq/protocol';
import { testScope } from '@robustmq/testing';
import { olderKvMember, startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let raw: KvServiceClient;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement());
  raw = scope.add(newKvClient(placement.grpcAddress, grpc.credentials.createInsecure()));
});

function batch(ops: BatchOp[]): Promise<BatchReply__Output> {
  return new Promise((resolve, reject) =>
    raw.Batch({ ops }, (err: grpc.ServiceError | null, reply?: BatchReply__Output) =>
      err ? reject(err) : resolve(reply!),
    ),
  );
}

/** How many calls of a KvService method the server has answered, from its Prometheus endpoint. */
async function handled(method: string): Promise<number> {
  const text = await (await fetch(`${placement.http}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('placement_grpc_server_handled_total{') &&
        l.includes('grpc_service="robustmq.placement.KvService"') &&
        l.includes(`grpc_method="${method}"`) &&
        l.includes('grpc_code="OK"'),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** The unary Set and Batch calls and the BatchStream requests answered so far. */
async function handledAll(): Promise<{ Set: number; Batch: number; BatchStream: number }> {
  return {
    Set: await handled('Set'),
    Batch: await handled('Batch'),
    BatchStream: await handled('BatchStream'),
  };
}

describe('KvService.Batch', () => {
  it('applies writes in the order given, one revision each, and answers every operation on its own', async () => {
    const v = (s: string) => Buffer.from(s);
    const reply = await batch([
      { set: { key: 'b/x', value: v('1'), requestId: '' } },
      { set: { key: 'b/y', value: v('2'), requestId: '' } },
      { set: { key: 'b/x', value: v('3'), requestId: '' } },
      { delete: { key: 'b/absent', requestId: '' } },
      { compareAndSet: { key: 'b/y', expectedModRevision: 1, value: v('no'), requestId: '' } },
      { get: { key: 'b/missing', read: null } },
      { set: { key: '', value: v('bad'), requestId: '' } },
      {},
      { exists: { key: 'b/missing', read: { stale: true } } },
    ]);
    const [x1, y, x2, del, cas, missing, emptyKey, noOp, exists] = reply.results;
    expect([x1, y, x2].map((r) => r!.code)).toEqual([0, 0, 0]);
    expect(y!.set!.revision).toBe(x1!.set!.revision + 1);
    expect(x2!.set!.revision).toBe(y!.set!.revision + 1);
    expect(del).toMatchObject({ code: 0, delete: { deleted: false } });
    expect(cas).toMatchObject({
      code: 0,
      compareAndSet: { succeeded: false, current: { modRevision: y!.set!.revision } },
    });
    expect(missing).toMatchObject({ code: grpc.status.NOT_FOUND, message: 'key "b/missing" not found' });
    expect(emptyKey).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, message: 'key must not be empty' });
    expect(noOp!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(noOp!.message).toMatch(/names no operation/);
    expect(exists).toMatchObject({ code: 0, exists: { exists: false } });

    // the later set of b/x won; a read in a later batch sees it
    const [get] = (await batch([{ get: { key: 'b/x', read: null } }])).results;
    expect(get!.get!.value.toString()).toBe('3');
    expect(get!.get!.kv).toMatchObject({ version: 2, modRevision: x2!.set!.revision });
  });

  it('applies a retried batch once: every write keeps its own request id', async () => {
    const ops: BatchOp[] = [
      { set: { key: 'r/a', value: Buffer.from('a'), requestId: 'batch-retry-1' } },
      { set: { key: 'r/b', value: Buffer.from('b'), requestId: 'batch-retry-2' } },
    ];
    const first = await batch(ops);
    const again = await batch(ops);
    expect(again.results.map((r) => r.set!.revision)).toEqual(first.results.map((r) => r.set!.revision));
    const [a] = (await batch([{ get: { key: 'r/a', read: null } }])).results;
    expect(a!.get!.kv!.version).toBe(1);
  });

  it('refuses a batch over the operation limit as a whole', async () => {
    const ops: BatchOp[] = Array.from({ length: 10_001 }, (_, i) => ({
      exists: { key: `k${i}`, read: { stale: true } },
    }));
    await expect(batch(ops)).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(/at most 10000/),
    });
  });
});

describe('PlacementClient auto-batching', () => {
  it('sends the KV calls of one event-loop turn as one Batch on its stream, each with its own answer', async () => {
    const client = placement.client({ callTimeoutMs: 5_000 });
    try {
      const before = await handledAll();
      // from idle, the first call goes at once on its own; the 299 made while it is out go as one Batch — both as
      // requests on the client's BatchStream, no unary call at all
      await Promise.all(Array.from({ length: 300 }, (_, i) => client.kv.set(`auto/${i}`, `v${i}`)));
      expect(await handledAll()).toEqual({ ...before, BatchStream: before.BatchStream + 2 });

      // mixed calls (behind a first one that goes alone): a missing key, a failing CAS and a bad key do not disturb
      // the others
      const streamNow = await handled('BatchStream');
      const [, value, absent, cas, exists, bad] = await Promise.allSettled([
        client.kv.set('auto/first', 'x'),
        client.kv.get('auto/7'),
        client.kv.get('auto/none'),
        client.kv.compareAndSet('auto/8', 1, 'x'),
        client.kv.exists('auto/9'),
        client.kv.set('', 'x'),
      ]);
      expect(value).toEqual({ status: 'fulfilled', value: Buffer.from('v7') });
      expect(absent).toEqual({ status: 'fulfilled', value: undefined });
      expect(cas).toMatchObject({ status: 'fulfilled', value: { succeeded: false } });
      expect(exists).toEqual({ status: 'fulfilled', value: true });
      expect(bad.status).toBe('rejected');
      const err = (bad as PromiseRejectedResult).reason as PlacementError;
      expect(err).toBeInstanceOf(PlacementError);
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.message).toBe('Set: key must not be empty');
      expect(await handled('BatchStream')).toBe(streamNow + 2);

      // a lone call goes as a request of its own on the stream; its own failure is its answer, as a unary call's
      const loneNow = await handledAll();
      await client.kv.set('auto/alone', 'x');
      await expect(client.kv.set('', 'x')).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        message: 'Set: key must not be empty',
      });
      expect(await client.kv.get('auto/none')).toBeUndefined();
      expect(await handledAll()).toEqual({ ...loneNow, BatchStream: loneNow.BatchStream + 3 });
    } finally {
      client.close();
    }
  });

  it('sends the calls of callers woken by one Batch answer together again (a closed loop: one request per round)', async () => {
    const client = placement.client({ callTimeoutMs: 5_000 });
    try {
      const before = await handled('BatchStream');
      // 10 callers, each calling again as soon as its previous call is answered, 20 rounds: the first call goes alone,
      // then every round is one Batch of the callers its answer woke (before session 7: a lone Set for the first of
      // them, then a Batch of the other 9, round after round: 40 requests)
      await Promise.all(
        Array.from({ length: 10 }, async (_, worker) => {
          for (let round = 0; round < 20; round++) await client.kv.set(`loop/${worker}`, `r${round}`);
        }),
      );
      const requests = (await handled('BatchStream')) - before;
      expect(requests).toBeGreaterThanOrEqual(20);
      expect(requests).toBeLessThanOrEqual(24);
      expect(await client.kv.get('loop/3')).toEqual(Buffer.from('r19'));
    } finally {
      client.close();
    }
  });

  it('sends one RPC per call with batching off', async () => {
    const client = placement.client({ batching: false });
    try {
      const before = await handledAll();
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.kv.set(`plain/${i}`, 'x')));
      expect(await handledAll()).toEqual({ ...before, Set: before.Set + 20 });
    } finally {
      client.close();
    }
  });

  it('falls back to one RPC per call when a member has no Batch method (older code)', async () => {
    // a KvService that knows Set and Get only, as a member from before Batch existed
    const store = new Map<string, Buffer>();
    const handlers: Partial<KvServiceHandlers> = {
      Set: (call, cb) => {
        store.set(call.request.key, call.request.value);
        cb(null, { revision: store.size });
      },
      Get: (call, cb) => {
        const value = store.get(call.request.key);
        if (value === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'absent' });
        else cb(null, { value });
      },
    };
    const client = await olderKvMember(handlers, scope);
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.kv.set(`old/${i}`, `v${i}`)));
    expect(store.size).toBe(10);
    const values = await Promise.all([client.kv.get('old/3'), client.kv.get('old/none')]);
    expect(values).toEqual([Buffer.from('v3'), undefined]);
  });
});
