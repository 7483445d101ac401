// `$SYS/brokers/<node>/…` topics (retained, periodic) and the HTTP admin API: clients (list, detail, kick with
// DISCONNECT 0x98), sessions, subscriptions, topics and retained messages (list, delete), errors as {code,message}.
import { describe, expect, it } from 'vitest';
import { collect, sleep } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker({ sys_interval_s: 0.2 }, { id: 3 }, { protocolVersion: 5 });
const client = broker.client;

async function json(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${broker.http}/api/v1${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('publishes retained $SYS topics periodically', async () => {
  const c = await client({ clientId: 'sys-watcher' });
  const got = collect(c);
  await c.subscribeAsync('$SYS/brokers/3/#');
  const names = [
    'version',
    'uptime',
    'clients/connected',
    'messages/received',
    'messages/sent',
    'subscriptions/count',
  ];
  await got.waitFor(names.length * 2, 3_000);
  const latest = new Map(got.messages.map((m) => [m.topic.slice('$SYS/brokers/3/'.length), m.payload]));
  expect([...latest.keys()].sort()).toEqual([...names].sort());
  expect(latest.get('version')).toMatch(/^\d+\.\d+\.\d+/);
  expect(Number(latest.get('clients/connected'))).toBeGreaterThanOrEqual(1);
  // a '#' subscriber does not see them (MQTT-4.7.2-1)
  const all = await client();
  const allGot = collect(all);
  await all.subscribeAsync('#');
  await sleep(400);
  expect(allGot.messages.filter((m) => m.topic.startsWith('$SYS'))).toEqual([]);
});

describe('admin API', () => {
  it('lists clients and shows one in detail; unknown ones are 404 {code,message}', async () => {
    const c = await client({ clientId: 'admin-detail', properties: { sessionExpiryInterval: 30 } });
    await c.subscribeAsync('adm/+', { qos: 1, properties: { subscriptionIdentifier: 3 } });
    const list = await json('/clients');
    expect(list.body.clients).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clientId: 'admin-detail', transport: 'tcp', protocolVersion: 5 }),
      ]),
    );
    const detail = await json('/clients/admin-detail');
    expect(detail.body).toMatchObject({
      clientId: 'admin-detail',
      session: { persistent: true, expiryInterval: 30, connected: true, subscriptions: 1 },
      subscriptionList: [{ topic: 'adm/+', qos: 1, identifier: 3 }],
    });
    const missing = await json('/clients/nobody');
    expect(missing).toEqual({
      status: 404,
      body: { code: 'NOT_FOUND', message: expect.stringContaining('nobody') },
    });
  });

  it('kicks a client with DISCONNECT 0x98', async () => {
    const c = await client({ clientId: 'admin-kick' });
    const disconnect = new Promise<number | undefined>((resolve) =>
      c.once('disconnect', (packet) => resolve(packet.reasonCode)),
    );
    const res = await json('/clients/admin-kick', { method: 'DELETE' });
    expect(res).toEqual({ status: 200, body: { clientId: 'admin-kick', disconnected: true } });
    expect(await disconnect).toBe(0x98);
    expect((await json('/clients/admin-kick', { method: 'DELETE' })).status).toBe(404);
  });

  it('lists sessions (including disconnected persistent ones), subscriptions and topics', async () => {
    const c = await client({
      clientId: 'admin-away',
      clean: false,
      properties: { sessionExpiryInterval: 60 },
    });
    await c.subscribeAsync('$share/grp/away/t', { qos: 1 });
    await c.endAsync();
    const pub = await client();
    await pub.publishAsync('adm/topic-a', 'x', { qos: 1 });
    await pub.publishAsync('adm/topic-a', 'y', { qos: 1 });
    const sessions = await json('/sessions');
    expect(sessions.body.sessions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clientId: 'admin-away', connected: false, persistent: true }),
      ]),
    );
    const subscriptions = await json('/subscriptions');
    expect(subscriptions.body.subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clientId: 'admin-away', topic: '$share/grp/away/t', shareGroup: 'grp' }),
      ]),
    );
    const topics = await json('/topics');
    expect(topics.body.topics).toEqual(
      expect.arrayContaining([expect.objectContaining({ topic: 'adm/topic-a', messages: 2 })]),
    );
  });

  it('lists and deletes retained messages', async () => {
    const pub = await client();
    await pub.publishAsync('adm/retained', 'keep me', { qos: 1, retain: true });
    const list = await json('/retained');
    expect(list.body.retained).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          topic: 'adm/retained',
          payload: Buffer.from('keep me').toString('base64'),
          payloadBytes: 7,
        }),
      ]),
    );
    const deleted = await json(`/retained?topic=${encodeURIComponent('adm/retained')}`, { method: 'DELETE' });
    expect(deleted).toEqual({ status: 200, body: { topic: 'adm/retained', deleted: true } });
    const late = await client();
    const got = collect(late);
    await late.subscribeAsync('adm/retained');
    await sleep(200);
    expect(got.messages).toEqual([]);
    expect((await json(`/retained?topic=adm%2Fretained`, { method: 'DELETE' })).status).toBe(404);
    expect((await json('/retained', { method: 'DELETE' })).body).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
