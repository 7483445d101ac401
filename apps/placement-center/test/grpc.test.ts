// The placement center's gRPC services, driven by the real PlacementClient over a real gRPC connection.
import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlacementClient } from '@robustmq/placement-client';
import { newClusterClient, newKvClient } from '@robustmq/protocol';
import { freePort, expectCode } from '@robustmq/testing';
import { usePlacement } from '@robustmq/testing/placement';

const pc = usePlacement();
// replaced after a restart in a test below, so a variable of its own rather than a second fixture client
let client: PlacementClient;
beforeAll(() => void (client = pc.placement.client({ callTimeoutMs: 3000 })));

const broker = {
  clusterType: 'MQTT_BROKER' as const,
  clusterName: 'c1',
  nodeId: 7,
  host: '127.0.0.1',
  ports: { mqtt: 1883 },
  labels: { zone: 'a' },
};

describe('ClusterService', () => {
  it('registers, heartbeats, lists and unregisters a node', async () => {
    const reply = await client.cluster.registerNode(broker);
    expect(reply.heartbeatTimeoutMs).toBe(10_000);
    await client.cluster.heartbeat('MQTT_BROKER', 'c1', 7);
    const nodes = await client.cluster.listNodes('MQTT_BROKER');
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      clusterType: 'MQTT_BROKER',
      nodeId: 7,
      host: '127.0.0.1',
      ports: { mqtt: 1883 },
      labels: { zone: 'a' },
    });
    expect(nodes[0]!.lastHeartbeatMs).toBeGreaterThan(0);
    expect(await client.cluster.listNodes('JOURNAL_SERVER')).toEqual([]);
    await client.cluster.unregisterNode('MQTT_BROKER', 'c1', 7);
    expect(await client.cluster.listNodes()).toEqual([]);
  });

  it('answers NOT_FOUND to heartbeats and unregistration of unknown nodes', async () => {
    await expectCode(
      client.cluster.heartbeat('MQTT_BROKER', 'c1', 99),
      grpc.status.NOT_FOUND,
      /node 99 .* not registered/,
    );
    await expectCode(client.cluster.unregisterNode('JOURNAL_SERVER', 'c1', 99), grpc.status.NOT_FOUND);
  });

  it('rejects bad registrations with INVALID_ARGUMENT naming the field', async () => {
    await expectCode(
      client.cluster.registerNode({ ...broker, nodeId: 0 }),
      grpc.status.INVALID_ARGUMENT,
      /node_id must be a positive/,
    );
    await expectCode(
      client.cluster.registerNode({ ...broker, clusterType: 'CLUSTER_TYPE_UNSPECIFIED' }),
      grpc.status.INVALID_ARGUMENT,
      /cluster_type/,
    );
    await expectCode(
      client.cluster.registerNode({ ...broker, host: '' }),
      grpc.status.INVALID_ARGUMENT,
      /host/,
    );
    await expectCode(
      client.cluster.registerNode({ ...broker, clusterName: '' }),
      grpc.status.INVALID_ARGUMENT,
      /cluster_name/,
    );
    await expectCode(
      client.cluster.registerNode({ ...broker, ports: { mqtt: 70000 } }),
      grpc.status.INVALID_ARGUMENT,
      /ports\.mqtt/,
    );
  });

  it('answers INVALID_ARGUMENT when the request has no node at all', async () => {
    const raw = newClusterClient(pc.placement.handle.grpcAddress, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.RegisterNode({}, (e) => resolve(e)),
    );
    raw.close();
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});

describe('KvService', () => {
  it('sets, gets, checks, lists and deletes keys', async () => {
    await client.kv.set('cfg/a', 'one');
    await client.kv.set('cfg/b', Buffer.from([0, 1, 2]));
    await client.kv.set('other', 'x');
    expect((await client.kv.get('cfg/a'))?.toString()).toBe('one');
    expect(await client.kv.get('cfg/b')).toEqual(Buffer.from([0, 1, 2]));
    expect(await client.kv.get('cfg/missing')).toBeUndefined();
    expect(await client.kv.exists('cfg/a')).toBe(true);
    expect(await client.kv.exists('cfg/missing')).toBe(false);
    const page = await client.kv.listPrefix('cfg/');
    expect(page.items.map((i) => i.key)).toEqual(['cfg/a', 'cfg/b']);
    expect(page.more).toBe(false);
    expect(await client.kv.delete('cfg/a')).toBe(true);
    expect(await client.kv.delete('cfg/a')).toBe(false);
    expect(await client.kv.exists('cfg/a')).toBe(false);
  });

  it('pages through a prefix with start_after and limit', async () => {
    for (let i = 0; i < 25; i++) await client.kv.set(`page/${String(i).padStart(2, '0')}`, String(i));
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await client.kv.listPrefix('page/', after, 10);
      seen.push(...page.items.map((i) => i.key));
      if (!page.more) break;
      after = page.items.at(-1)!.key;
    }
    expect(seen).toHaveLength(25);
    expect(seen[24]).toBe('page/24');
  });

  it('rejects an empty key, an oversized key and an excessive limit', async () => {
    await expectCode(client.kv.set('', 'x'), grpc.status.INVALID_ARGUMENT, /key must not be empty/);
    await expectCode(client.kv.get(''), grpc.status.INVALID_ARGUMENT);
    await expectCode(client.kv.set('k'.repeat(5000), 'x'), grpc.status.INVALID_ARGUMENT, /longer than/);
    await expectCode(client.kv.listPrefix('', '', 20_000), grpc.status.INVALID_ARGUMENT, /limit/);
  });

  it('reports a missing key as NOT_FOUND on the wire', async () => {
    const raw = newKvClient(pc.placement.handle.grpcAddress, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.Get({ key: 'nope' }, (e) => resolve(e)),
    );
    raw.close();
    expect(err?.code).toBe(grpc.status.NOT_FOUND);
  });

  it('keeps data and registered nodes across a restart', async () => {
    await client.kv.set('durable', 'yes');
    await client.cluster.registerNode({ ...broker, nodeId: 42 });
    await pc.placement.restart();
    const again = pc.placement.client();
    expect((await again.kv.get('durable'))?.toString()).toBe('yes');
    expect((await again.cluster.listNodes('MQTT_BROKER')).map((n) => n.nodeId)).toContain(42);
    again.close();
    client.close();
    client = pc.placement.client({ callTimeoutMs: 3000 });
  });
});

describe('PlacementClient', () => {
  it('moves past an unreachable member to a live one', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const multi = new PlacementClient({
      addresses: [dead, pc.placement.handle.grpcAddress],
      callTimeoutMs: 5000,
    });
    await multi.kv.set('via-second', 'ok');
    expect((await multi.kv.get('via-second'))?.toString()).toBe('ok');
    multi.close();
  });

  it('gives up with UNAVAILABLE after its deadline when no member answers', async () => {
    const dead = new PlacementClient({
      addresses: [`127.0.0.1:${await freePort()}`],
      callTimeoutMs: 500,
      attemptTimeoutMs: 200,
    });
    const started = Date.now();
    await expectCode(dead.kv.get('x'), grpc.status.UNAVAILABLE, /no placement member answered/);
    expect(Date.now() - started).toBeLessThan(3000);
    dead.close();
  });
});

describe('KV revisions, compare-and-set and watch', () => {
  it('gives every change a higher revision and tracks create/mod revision and version', async () => {
    await client.kv.set('rev/a', '1');
    const first = (await client.kv.getEntry('rev/a'))!;
    await client.kv.set('rev/a', '2');
    const second = (await client.kv.getEntry('rev/a'))!;
    expect(second.modRevision).toBeGreaterThan(first.modRevision);
    expect(second.createRevision).toBe(first.createRevision);
    expect(second.version).toBe(first.version + 1);
    expect((await client.kv.getEntry('rev/a', { stale: true }))!.value.toString()).toBe('2');
  });

  it('sets only when the expected mod revision matches, and reports the current entry when not', async () => {
    const created = await client.kv.compareAndSet('cas/k', 0, 'v1');
    expect(created.succeeded).toBe(true);
    const again = await client.kv.compareAndSet('cas/k', 0, 'v-other');
    expect(again.succeeded).toBe(false);
    expect(again.current?.value.toString()).toBe('v1');
    expect(again.current?.modRevision).toBe(created.revision);
    const updated = await client.kv.compareAndSet('cas/k', created.revision, 'v2');
    expect(updated.succeeded).toBe(true);
    const stale = await client.kv.compareAndSet('cas/k', created.revision, 'v3');
    expect(stale.succeeded).toBe(false);
    expect((await client.kv.get('cas/k'))?.toString()).toBe('v2');
    expect((await client.kv.compareAndSet('cas/absent', 5, 'x')).current).toBeNull();
  });

  it('replays a prefix from a revision, then follows live changes, in order and without duplicates', async () => {
    const start = (await client.kv.listPrefix('w/', '', 1)).revision + 1;
    await client.kv.set('w/1', 'a');
    await client.kv.set('other/x', 'ignored');
    await client.kv.set('w/2', 'b');
    await client.kv.delete('w/1');
    const events: string[] = [];
    const revisions: number[] = [];
    const watch = client.kv.watch('w/', {
      startRevision: start,
      onEvent: (e) => {
        events.push(`${e.type} ${e.kv.key} ${e.kv.value.toString()}`);
        revisions.push(e.kv.modRevision);
      },
    });
    await expect.poll(() => events.length).toBe(3);
    await client.kv.set('w/3', 'c');
    await expect.poll(() => events.length).toBe(4);
    watch.cancel();
    expect(events).toEqual(['PUT w/1 a', 'PUT w/2 b', 'DELETE w/1 ', 'PUT w/3 c']);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
  });

  it('resumes after a placement restart from the last revision it saw, seeing each change exactly once', async () => {
    const seen: string[] = [];
    const watch = client.kv.watch('resume/', { onEvent: (e) => seen.push(e.kv.key) });
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 5; i++) await client.kv.set(`resume/${i}`, 'x');
    await expect.poll(() => seen.length).toBe(5);
    await pc.placement.restart();
    // the client's channel reconnects to the restarted server on the same port
    const writer = pc.placement.client();
    for (let i = 5; i < 10; i++) await writer.kv.set(`resume/${i}`, 'x');
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(10);
    watch.cancel();
    writer.close();
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `resume/${i}`));
  });
});
