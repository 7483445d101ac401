// The kit's own promises: a scope closes newest first and runs every closer even when one fails; waits say what
// they waited for; expectCode tells a wrong status from a right one against a real placement center; a temp dir
// goes with its scope; an in-process broker and a placement cluster come up and go away cleanly.
import { existsSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Scope, collect, expectCode, mqttClients, tempDir, testScope, waitFor } from '../src/index.js';
import { startTestBroker } from '../src/broker.js';
import { freePort } from '../src/ports.js';
import { spawnProcess, waitForHealthy } from '../src/processes.js';
import { startPlacementCluster, startTestPlacement } from '../src/placement.js';

describe('Scope', () => {
  it('closes newest first, runs every closer, and reports the first failure', async () => {
    const scope = new Scope();
    const order: string[] = [];
    scope.add({ close: () => void order.push('a') });
    scope.add({ name: 'b' }, () => {
      order.push('b');
      throw new Error('b broke');
    });
    scope.defer(() => void order.push('c'));
    await expect(scope.close()).rejects.toThrow(/closing .* failed: Error: b broke/);
    expect(order).toEqual(['c', 'b', 'a']);
    await scope.close(); // nothing left: closing again is a no-op
    expect(order).toHaveLength(3);
  });

  it('refuses a resource it cannot close', () => {
    expect(() => new Scope().add({})).toThrow(/has no close\(\)/);
  });

  it('removes a temp dir when it closes', async () => {
    const scope = new Scope();
    const dir = tempDir('kit', scope);
    expect(existsSync(dir)).toBe(true);
    await scope.close();
    expect(existsSync(dir)).toBe(false);
  });
});

it('waitFor returns the first truthy value, and a timeout names what it waited for and the last error', async () => {
  let n = 0;
  expect(await waitFor('n to reach 3', () => (++n >= 3 ? n : undefined), { intervalMs: 1 })).toBe(3);
  await expect(
    waitFor(
      'the impossible',
      () => {
        throw new Error('not yet');
      },
      { timeoutMs: 30, intervalMs: 5, detail: () => 'some output' },
    ),
  ).rejects.toThrow(/waiting for the impossible \(last error: Error: not yet\)\n--- output ---\nsome output/);
});

it('a wait on a child process gives up as soon as it exits, with what it printed', async () => {
  const proc = spawnProcess(process.execPath, ['-e', 'console.log("bad config"); process.exit(3)']);
  const port = await freePort();
  const started = Date.now();
  // (long enough to be sure it gave up on the exit, not the deadline)
  await expect(waitForHealthy(port, proc, 30_000)).rejects.toThrow(
    /exited \(code 3, signal null\) waiting for the process with HTTP port \d+ to be healthy[^]*--- output ---\nbad config/,
  );
  expect(Date.now() - started).toBeLessThan(10_000);
});

describe('a placement center', () => {
  const scope = testScope();

  it('answers through its client; expectCode checks the status and message', async () => {
    const placement = scope.add(await startTestPlacement());
    const client = placement.client();
    await expectCode(
      client.cluster.heartbeat('MQTT_BROKER', 'c1', 99),
      grpc.status.NOT_FOUND,
      /not registered/,
    );
    // a wrong code or a call that succeeds fails the assertion
    await expect(
      expectCode(client.cluster.heartbeat('MQTT_BROKER', 'c1', 99), grpc.status.INVALID_ARGUMENT),
    ).rejects.toThrow();
    await expect(expectCode(client.cluster.listNodes('MQTT_BROKER'), grpc.status.NOT_FOUND)).rejects.toThrow(
      /succeeded/,
    );
  });

  it('a three-member group elects a leader and elects another when the leader stops', async () => {
    const cluster = scope.add(await startPlacementCluster(3));
    const first = await cluster.leader();
    const client = cluster.client({ callTimeoutMs: 10_000 });
    await client.kv.set('k', 'v1');
    await cluster.stopMember(first);
    const second = await cluster.leader();
    expect(second).not.toBe(first);
    expect(String(await client.kv.get('k'))).toBe('v1');
  });
});

describe('an MQTT broker', () => {
  const scope = testScope();
  let url = '';
  const client = mqttClients(scope, () => url, { protocolVersion: 5 });

  it('starts standalone and carries a message between two clients that the scope ends', async () => {
    url = scope.add(await startTestBroker()).url;
    const sub = await client();
    await sub.subscribeAsync('kit/t', { qos: 1 });
    const got = collect(sub);
    await (await client()).publishAsync('kit/t', 'hello', { qos: 1 });
    expect(await got.waitFor(1)).toEqual([{ topic: 'kit/t', payload: 'hello', qos: 1 }]);
  });
});
