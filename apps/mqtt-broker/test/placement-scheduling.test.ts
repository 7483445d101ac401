// Delayed wills and session expiry scheduled by the placement leader, with a real placement center and two real
// brokers in-process (placement enabled, inner gRPC served on a free port): a will with a delay fires through
// placement after an abnormal disconnect, a reconnect before the delay cancels it, a session with expiry 1 s is gone
// from placement and from its broker after it expires, and the inner gRPC service answers bad input with
// INVALID_ARGUMENT. The death of a broker process is in will-takeover.test.ts.
import * as grpc from '@grpc/grpc-js';
import type { PlacementClient } from '@robustmq/placement-client';
import { newBrokerInnerClient, type BrokerInnerServiceClient } from '@robustmq/protocol';
import mqtt, { type IConnackPacket, type MqttClient } from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MqttBrokerHandle } from '../src/index.js';
import { collect, connectClient, sleep, testScope, type IClientOptions, willClient } from '@robustmq/testing';
import { expectPlacementTookOver, startTestBroker } from '@robustmq/testing/broker';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;

async function startBroker(id: number): Promise<MqttBrokerHandle> {
  return scope.add(await startTestBroker({}, { id, placement: [placement.grpcAddress] })).handle;
}

const url = (b: MqttBrokerHandle) => `mqtt://127.0.0.1:${b.ports.mqtt}`;

function connect(b: MqttBrokerHandle, options: IClientOptions): Promise<MqttClient> {
  return connectClient(url(b), { protocolVersion: 5, ...options }, scope);
}

/** A client whose connection ends without DISCONNECT: the socket just goes. */
function dropConnection(c: MqttClient): void {
  c.stream.destroy();
  c.end(true);
}

let a: MqttBrokerHandle;
let b: MqttBrokerHandle;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ fastScheduler: true }));
  client = placement.client();
  a = await startBroker(1);
  b = await startBroker(2);
});

it('registers the inner gRPC port with placement', async () => {
  const nodes = await client.cluster.listNodes('MQTT_BROKER');
  expect(nodes.find((n) => n.nodeId === 1)?.ports).toMatchObject({ grpc: a.ports.grpc, mqtt: a.ports.mqtt });
  expect(a.ports.grpc).toBeGreaterThan(0);
});

describe('delayed will', () => {
  it('is published through placement after its delay when the connection drops', async () => {
    const sub = await connect(a, { clientId: 'will-sub-1' });
    await sub.subscribeAsync('wills/one', { qos: 1 });
    const got = collect(sub);
    const dying = await connect(
      a,
      willClient('dying-1', 'wills/one', 'gone', { willProperties: { contentType: 'text/plain' } }),
    );
    await expect
      .poll(async () => (await client.mqtt.getResource('WILL_MESSAGE', 'dying-1'))?.record, {
        timeout: 3_000,
      })
      .toMatchObject({
        topic: 'wills/one',
        delayIntervalSec: 1,
      });
    const droppedAt = Date.now();
    dropConnection(dying);
    // placement takes the disconnect over: the broker cancels its local fallback timer
    await expectPlacementTookOver(client, a, 'dying-1', 'willTimer');

    const [message] = await got.waitFor(1, 5_000);
    expect(message).toMatchObject({ topic: 'wills/one', payload: 'gone', qos: 1 });
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(900);
    // published once, and placement forgot it
    await expect
      .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'dying-1'), { timeout: 3_000 })
      .toBeUndefined();
    await sleep(500);
    expect(got.messages).toHaveLength(1);
  });

  it('is cancelled by a reconnect (to another broker) before the delay', async () => {
    const subA = await connect(a, { clientId: 'will-sub-2a' });
    const subB = await connect(b, { clientId: 'will-sub-2b' });
    await subA.subscribeAsync('wills/two', { qos: 1 });
    await subB.subscribeAsync('wills/two', { qos: 1 });
    const gotA = collect(subA);
    const gotB = collect(subB);
    const options = willClient('dying-2', 'wills/two', 'gone');
    const first = await connect(a, options);
    await expect
      .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'dying-2'), { timeout: 3_000 })
      .toBeDefined();
    dropConnection(first);
    await expect
      .poll(() => client.mqtt.getResource('SESSION', 'dying-2').then((r) => r?.record.connected), {
        timeout: 3_000,
      })
      .toBe(false);
    const back = await connect(b, { ...options, will: undefined });
    await expect
      .poll(() => client.mqtt.getResource('SESSION', 'dying-2').then((r) => r?.record), { timeout: 3_000 })
      .toMatchObject({
        connected: true,
        brokerNodeId: 2,
      });
    // the broker the session left drops its copy
    await expect.poll(() => a.broker.sessions.has('dying-2'), { timeout: 3_000 }).toBe(false);
    expect(b.broker.sessions.has('dying-2')).toBe(true);
    await sleep(2_000);
    expect(gotA.messages).toEqual([]);
    expect(gotB.messages).toEqual([]);
    expect(await client.mqtt.getResource('WILL_MESSAGE', 'dying-2')).toBeUndefined();
    expect(b.broker.sessions.has('dying-2')).toBe(true);
    back.end(true);
  });
});

describe('session expiry', () => {
  it('removes an expired session from placement and has its broker drop the state', async () => {
    const c = await connect(a, {
      clientId: 'expiring-1',
      clean: false,
      properties: { sessionExpiryInterval: 1 },
    });
    await c.subscribeAsync('expiry/t', { qos: 1 });
    await expect
      .poll(() => client.mqtt.getResource('SESSION', 'expiring-1').then((r) => r?.record), { timeout: 3_000 })
      .toMatchObject({
        connected: true,
        brokerNodeId: 1,
        sessionExpiryIntervalSec: 1,
      });
    await c.endAsync(); // a clean DISCONNECT: the session stays for its expiry
    // placement owns the expiry now, not a local timer
    await expectPlacementTookOver(client, a, 'expiring-1', 'expiryTimer');
    expect(a.broker.sessions.has('expiring-1')).toBe(true);

    await expect
      .poll(() => client.mqtt.getResource('SESSION', 'expiring-1'), { timeout: 5_000 })
      .toBeUndefined();
    await expect.poll(() => a.broker.sessions.has('expiring-1'), { timeout: 3_000 }).toBe(false);
    expect(a.broker.persistence.getSession('expiring-1')).toBeUndefined();
    // the client comes back to a new, empty session: no session present, no subscription left
    const again = mqtt.connect(url(a), {
      protocolVersion: 5,
      clientId: 'expiring-1',
      clean: false,
      reconnectPeriod: 0,
      properties: { sessionExpiryInterval: 60 },
    });
    scope.add(again, (c) => c.endAsync(true));
    const connack = await new Promise<IConnackPacket>((resolve, reject) => {
      again.once('connect', resolve);
      again.once('error', reject);
    });
    expect(connack.sessionPresent).toBe(false);
    expect(a.broker.sessions.get('expiring-1')?.subscriptions.size).toBe(0);
  });
});

describe('session expiry with a pending will', () => {
  it('publishes the will when the session ends before the will delay (MQTT 5 §3.1.3.2.2)', async () => {
    const sub = await connect(a, { clientId: 'expiry-will-sub' });
    await sub.subscribeAsync('expiry/will', { qos: 1 });
    const got = collect(sub);
    const c = await connect(a, willClient('expiring-will', 'expiry/will', 'ended', { expiry: 1, delay: 30 }));
    await expect
      .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'expiring-will'), { timeout: 3_000 })
      .toBeDefined();
    const droppedAt = Date.now();
    dropConnection(c);
    const [will] = await got.waitFor(1, 5_000);
    expect(will).toMatchObject({ topic: 'expiry/will', payload: 'ended' });
    expect(Date.now() - droppedAt).toBeLessThan(5_000); // at the session's end, not after the 30 s delay
    await expect
      .poll(() => client.mqtt.getResource('SESSION', 'expiring-will'), { timeout: 3_000 })
      .toBeUndefined();
    expect(await client.mqtt.getResource('WILL_MESSAGE', 'expiring-will')).toBeUndefined();
    await expect.poll(() => a.broker.sessions.has('expiring-will'), { timeout: 3_000 }).toBe(false);
    const stored: unknown[] = [];
    for await (const packet of a.broker.persistence.streamWill()) stored.push(packet);
    expect(stored.filter((p) => (p as { clientId?: string }).clientId === 'expiring-will')).toEqual([]);
    await sleep(300);
    expect(got.messages).toHaveLength(1);
  });
});

describe('inner gRPC service', () => {
  let inner: BrokerInnerServiceClient;
  beforeAll(() => {
    inner = scope.add(newBrokerInnerClient(`127.0.0.1:${b.ports.grpc!}`, grpc.credentials.createInsecure()));
  });

  const call = <Res>(method: 'SendLastWill' | 'DeleteSession', request: object) =>
    new Promise<Res>((resolve, reject) =>
      (
        inner as unknown as Record<
          string,
          (r: object, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void
        >
      )[method]!.call(inner, request, (err: grpc.ServiceError | null, res?: Res) =>
        err ? reject(err) : resolve(res as Res),
      ),
    );
  const expectInvalid = (p: Promise<unknown>, message: RegExp) =>
    expect(p).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(message) as unknown,
    });

  it('publishes a will as if its client had published it', async () => {
    const sub = await connect(b, { clientId: 'inner-sub' });
    await sub.subscribeAsync('inner/#', { qos: 1 });
    const got = collect(sub);
    await call('SendLastWill', {
      clientId: 'someone',
      will: {
        topic: 'inner/w',
        payload: Buffer.from('bye'),
        qos: 1,
        retain: false,
        propertiesJson: '{"userProperties":{"k":"v"}}',
      },
    });
    expect((await got.waitFor(1))[0]).toMatchObject({ topic: 'inner/w', payload: 'bye', qos: 1 });
    expect(await call<{ deleted: boolean }>('DeleteSession', { clientId: 'nobody' })).toEqual({
      deleted: false,
    });
  });

  it('publishes no will and drops no session of a client connected here', async () => {
    await connect(b, { clientId: 'connected-here', properties: { sessionExpiryInterval: 60 } });
    const will = { topic: 'inner/x', payload: Buffer.from('x'), qos: 0, retain: false, propertiesJson: '' };
    await expect(call('SendLastWill', { clientId: 'connected-here', will })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: expect.stringMatching(/connected to this broker/) as unknown,
    });
    expect(await call<{ deleted: boolean }>('DeleteSession', { clientId: 'connected-here' })).toEqual({
      deleted: false,
    });
    expect(b.broker.sessions.has('connected-here')).toBe(true);
  });

  it('answers bad requests with INVALID_ARGUMENT', async () => {
    const will = { topic: 'inner/w', payload: Buffer.from('x'), qos: 0, retain: false, propertiesJson: '' };
    await expectInvalid(call('SendLastWill', { clientId: '', will }), /client_id must not be empty/);
    await expectInvalid(call('SendLastWill', { clientId: 'c' }), /will is required/);
    await expectInvalid(
      call('SendLastWill', { clientId: 'c', will: { ...will, topic: 'a/#' } }),
      /will.topic "a\/#" is not a valid topic name/,
    );
    await expectInvalid(call('SendLastWill', { clientId: 'c', will: { ...will, topic: '' } }), /will.topic/);
    await expectInvalid(
      call('SendLastWill', { clientId: 'c', will: { ...will, qos: 3 } }),
      /will.qos must be 0, 1 or 2/,
    );
    await expectInvalid(
      call('SendLastWill', { clientId: 'c', will: { ...will, propertiesJson: 'not json' } }),
      /properties_json is not valid JSON/,
    );
    await expectInvalid(
      call('SendLastWill', { clientId: 'c', will: { ...will, propertiesJson: '{"bogus":1}' } }),
      /properties_json: .*bogus/,
    );
    await expectInvalid(
      call('SendLastWill', { clientId: 'c', will: { ...will, propertiesJson: '{"contentType":5}' } }),
      /properties_json.contentType/,
    );
    await expectInvalid(call('DeleteSession', { clientId: '' }), /client_id must not be empty/);
  });
});
