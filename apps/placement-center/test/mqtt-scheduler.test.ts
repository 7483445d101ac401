// The leader's MQTT session scheduler against a real placement center over gRPC (the broker side, with real brokers,
// is tested in apps/mqtt-broker/test/placement-scheduling.test.ts and will-takeover.test.ts): a disconnected
// session expires after its interval even when its broker is gone, a silent broker's connected sessions become
// disconnected when its node expires, a due will stays stored while no broker can publish it, and a stale
// disconnect from a broker that no longer owns the session is refused. Plus the due-time queue on its own.
import { describe, expect, it } from 'vitest';
import { DueQueue } from '../src/scheduler/due-queue.js';
import { usePlacement, testNode } from '@robustmq/testing/placement';

const pc = usePlacement({ heartbeat: { timeout_ms: 600, check_interval_ms: 100 } });

const session = (over: Record<string, unknown>) => ({
  brokerNodeId: 1,
  connected: true,
  sessionExpiryIntervalSec: 60,
  ...over,
});

describe('scheduler', () => {
  it('expires a disconnected session (and its subscriptions) whose broker is gone', async () => {
    await pc.client.mqtt.putResource(
      'SESSION',
      'exp-1',
      session({
        brokerNodeId: 42,
        connected: false,
        lastDisconnectAtMs: Date.now(),
        sessionExpiryIntervalSec: 1,
      }),
    );
    await pc.client.mqtt.putResource('SUBSCRIPTION', 'exp-1', {
      subscriptions: [{ topicFilter: 'a/#', qos: 1 }],
    });
    await pc.client.mqtt.putResource(
      'SESSION',
      'exp-never',
      session({
        connected: false,
        lastDisconnectAtMs: Date.now() - 10_000,
        sessionExpiryIntervalSec: 0xffffffff,
      }),
    );
    expect(await pc.client.mqtt.getResource('SESSION', 'exp-1')).toBeDefined();
    await expect
      .poll(() => pc.client.mqtt.getResource('SESSION', 'exp-1'), { timeout: 4_000 })
      .toBeUndefined();
    expect(await pc.client.mqtt.getResource('SUBSCRIPTION', 'exp-1')).toBeUndefined();
    // 0xFFFFFFFF never expires
    expect(await pc.client.mqtt.getResource('SESSION', 'exp-never')).toBeDefined();
  });

  it('disconnects the sessions of a broker whose node expired, then expires them', async () => {
    await pc.client.cluster.registerNode(testNode('MQTT_BROKER', 5));
    await pc.client.mqtt.putResource(
      'SESSION',
      'orphan-1',
      session({ brokerNodeId: 5, sessionExpiryIntervalSec: 2, connectedAtMs: Date.now() }),
    );
    // no heartbeats: the node expires after 600 ms, its session is disconnected at that time
    await expect
      .poll(() => pc.client.mqtt.getResource('SESSION', 'orphan-1').then((r) => r?.record.connected), {
        timeout: 4_000,
      })
      .toBe(false);
    const record = (await pc.client.mqtt.getResource('SESSION', 'orphan-1'))!.record;
    expect(record).toMatchObject({ brokerNodeId: 5, sessionExpiryIntervalSec: 2 });
    expect(record.lastDisconnectAtMs).toBeGreaterThan(Date.now() - 3_000);
    await expect
      .poll(() => pc.client.mqtt.getResource('SESSION', 'orphan-1'), { timeout: 5_000 })
      .toBeUndefined();
  });

  it('keeps a due will stored while no live broker can publish it', async () => {
    await pc.client.mqtt.putResource(
      'SESSION',
      'will-1',
      session({ brokerNodeId: 77, connected: false, lastDisconnectAtMs: Date.now() }),
    );
    await pc.client.mqtt.putResource(
      'WILL_MESSAGE',
      'will-1',
      { topic: 'w', qos: 1, retain: false, delayIntervalSec: 0 },
      Buffer.from('bye'),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await pc.client.mqtt.getResource('WILL_MESSAGE', 'will-1')).toMatchObject({
      payload: Buffer.from('bye'),
    });
  });

  it('refuses a disconnect from a broker that no longer owns the session', async () => {
    const connectedAtMs = Date.now();
    await pc.client.mqtt.putResource('SESSION', 'moved-1', session({ brokerNodeId: 2, connectedAtMs }));
    const stale = pc.client.mqtt.putResource(
      'SESSION',
      'moved-1',
      session({
        brokerNodeId: 1,
        connected: false,
        lastDisconnectAtMs: Date.now(),
        connectedAtMs: connectedAtMs - 5_000,
      }),
    );
    await expect(stale).rejects.toMatchObject({
      code: 9,
      message: expect.stringMatching(/connected on broker 2 by a newer connection/) as unknown,
    });
    const older = pc.client.mqtt.putResource(
      'SESSION',
      'moved-1',
      session({
        brokerNodeId: 2,
        connected: false,
        lastDisconnectAtMs: Date.now(),
        connectedAtMs: connectedAtMs - 1,
      }),
    );
    await expect(older).rejects.toMatchObject({ code: 9 });
    await pc.client.mqtt.putResource(
      'SESSION',
      'moved-1',
      session({ brokerNodeId: 2, connected: false, lastDisconnectAtMs: Date.now(), connectedAtMs }),
    );
    expect((await pc.client.mqtt.getResource('SESSION', 'moved-1'))?.record.connected).toBe(false);
  });
});

describe('DueQueue', () => {
  it('hands out due keys earliest first, after moves and deletes', () => {
    const q = new DueQueue();
    q.set('a', 30);
    q.set('b', 10);
    q.set('c', 20);
    q.set('a', 5); // moved earlier
    q.set('c', 50); // moved later
    q.delete('b');
    expect(q.peek()).toBe(5);
    expect(q.takeDue(40)).toEqual(['a']);
    expect(q.size).toBe(1);
    expect(q.takeDue(49)).toEqual([]);
    expect(q.takeDue(50)).toEqual(['c']);
    expect(q.peek()).toBeUndefined();
  });

  it('stays ordered over many random changes', () => {
    const q = new DueQueue();
    const live = new Map<string, number>();
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i++) {
      const key = `k${Math.floor(random() * 500)}`;
      if (random() < 0.2) {
        q.delete(key);
        live.delete(key);
      } else {
        const due = Math.floor(random() * 10_000);
        q.set(key, due);
        live.set(key, due);
      }
    }
    const taken = q.takeDue(Number.MAX_SAFE_INTEGER);
    expect(taken).toHaveLength(live.size);
    const dues = taken.map((k) => live.get(k)!);
    expect(dues).toEqual([...dues].sort((x, y) => x - y));
  });
});
