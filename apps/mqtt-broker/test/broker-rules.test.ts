// Topic rewrite and auto-subscribe rules stored as resources in a real placement center, applied by a broker to
// real MQTT.js clients; plus the rewrite semantics (first matching rule, `$N`, invalid regexes skipped) on their own.
import mqtt from 'mqtt';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';
import { startTestPlacement } from '@robustmq/testing/placement';
import { autoSubscribeFilter } from '../src/rules/auto-subscribe.js';
import { compileRewriteRules, rewriteTopic } from '../src/rules/topic-rewrite.js';
import { collect, connectClient, quietLogger as logger, sleep, testScope } from '@robustmq/testing';

const scope = testScope();
let client: PlacementClient;
let broker: TestBroker;
let url: string;

beforeAll(async () => {
  const placement = scope.add(await startTestPlacement());
  client = placement.client();
  await client.mqtt.putResource('TOPIC_REWRITE_RULE', 'raw-to-clean', {
    action: 'publish',
    sourceTopic: 'x/+/raw',
    regex: '^x/(.+)/raw$',
    destTopic: 'x/$1/clean',
  });
  await client.mqtt.putResource('TOPIC_REWRITE_RULE', 'old-to-new', {
    action: 'subscribe',
    sourceTopic: 'old/#',
    regex: '^old/(.+)$',
    destTopic: 'new/$1',
  });
  await client.mqtt.putResource('AUTO_SUBSCRIBE_RULE', 'inbox', { topicFilter: 'inbox/%c', qos: 1 });
  broker = scope.add(
    await startTestBroker(
      {},
      {
        placement: [placement.grpcAddress],
        sections: { auth: { allow_anonymous: true, acl_default: 'allow' } },
      },
    ),
  );
  url = broker.url;
});

describe('rules from placement applied by the broker', () => {
  it('rewrites a PUBLISH topic before routing: x/y/raw reaches subscribers of x/y/clean only', async () => {
    const sub = await connectClient(url, { clientId: 'rw-sub', protocolVersion: 5 });
    const got = collect(sub);
    await sub.subscribeAsync(['x/y/clean', 'x/y/raw'], { qos: 1 });
    const pub = await connectClient(url, { clientId: 'rw-pub', protocolVersion: 5 });
    await pub.publishAsync('x/y/raw', 'hello', { qos: 1 });
    await got.waitFor(1);
    await sleep(100);
    expect(got.messages).toEqual([{ topic: 'x/y/clean', payload: 'hello', qos: 1 }]);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('rewrites a SUBSCRIBE filter before it is stored: old/a subscribes to new/a', async () => {
    const sub = await connectClient(url, { clientId: 'rs-sub', protocolVersion: 4 });
    const got = collect(sub);
    expect((await sub.subscribeAsync('old/a', { qos: 0 })).map((g) => g.qos)).toEqual([0]);
    const pub = await connectClient(url, { clientId: 'rs-pub' });
    await pub.publishAsync('old/a', 'not me', { qos: 1 });
    await pub.publishAsync('new/a', 'me', { qos: 1 });
    await got.waitFor(1);
    await sleep(100);
    expect(got.messages).toEqual([{ topic: 'new/a', payload: 'me', qos: 0 }]);
    // (inbox/rs-sub is the auto-subscription every client gets)
    expect([...broker.handle.broker.sessions.get('rs-sub')!.subscriptions.keys()].sort()).toEqual([
      'inbox/rs-sub',
      'new/a',
    ]);
    // unsubscribing the filter as the client knows it removes the rewritten subscription
    await sub.unsubscribeAsync('old/a');
    expect([...broker.handle.broker.sessions.get('rs-sub')!.subscriptions.keys()]).toEqual(['inbox/rs-sub']);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('auto-subscribes a client to inbox/%c on CONNECT, with retained messages after CONNACK', async () => {
    const pub = await connectClient(url, { clientId: 'as-pub' });
    await pub.publishAsync('inbox/as-1', 'kept', { qos: 1, retain: true });
    // listening before CONNACK arrives: the retained message may come in the same read
    const inbox = mqtt.connect(url, { clientId: 'as-1', protocolVersion: 5, reconnectPeriod: 0 });
    const got = collect(inbox);
    await got.waitFor(1);
    expect(got.messages[0]).toMatchObject({ topic: 'inbox/as-1', payload: 'kept' });
    await pub.publishAsync('inbox/as-1', 'new', { qos: 1 });
    await pub.publishAsync('inbox/someone-else', 'not mine', { qos: 1 });
    await got.waitFor(2);
    await sleep(100);
    expect(got.messages.slice(1)).toEqual([{ topic: 'inbox/as-1', payload: 'new', qos: 1 }]);
    await pub.publishAsync('inbox/as-1', '', { qos: 1, retain: true });
    await Promise.all([inbox.endAsync(), pub.endAsync()]);
  });

  it('picks up rules added in placement on refresh', async () => {
    await client.mqtt.putResource('TOPIC_REWRITE_RULE', 'late', {
      action: 'all',
      sourceTopic: 'late/in',
      regex: '^late/in$',
      destTopic: 'late/out',
    });
    await broker.handle.broker.rules!.refresh();
    expect(broker.handle.broker.rules!.rewrite('publish', 'late/in')).toBe('late/out');
    expect(broker.handle.broker.rules!.rewrite('subscribe', '$share/g/late/in')).toBe('$share/g/late/out');
    await client.mqtt.deleteResource('TOPIC_REWRITE_RULE', 'late');
    await broker.handle.broker.rules!.refresh();
    expect(broker.handle.broker.rules!.rewrite('publish', 'late/in')).toBe('late/in');
  });
});

describe('rewrite semantics', () => {
  it('skips a rule whose regex does not compile, with a warning, and keeps the others', () => {
    const warn = vi.fn();
    const log = { warn } as unknown as Logger;
    const rules = compileRewriteRules(
      [
        { id: 'a-bad', action: 'all', sourceTopic: 'a/#', regex: '^a/(unclosed$', destTopic: 'bad/$1' },
        { id: 'b-good', action: 'all', sourceTopic: 'a/#', regex: '^a/(.+)$', destTopic: 'good/$1' },
      ],
      log,
    );
    expect(rules.map((r) => r.id)).toEqual(['b-good']);
    expect(warn).toHaveBeenCalledOnce();
    expect(rewriteTopic(rules, 'publish', 'a/b/c')).toBe('good/b/c');
  });

  it('uses the first rule by priority whose action and source match; a regex miss leaves the topic alone', () => {
    const rules = compileRewriteRules(
      [
        {
          id: 'z',
          action: 'publish',
          sourceTopic: 't/#',
          regex: '^t/(\\d+)$',
          destTopic: 'num/$1',
          priority: 1,
        },
        {
          id: 'y',
          action: 'publish',
          sourceTopic: 't/#',
          regex: '^t/(.*)$',
          destTopic: 'any/$1',
          priority: 2,
        },
        { id: 'x', action: 'subscribe', sourceTopic: 't/#', regex: '^t/(.*)$', destTopic: 'sub/$1' },
      ],
      logger,
    );
    expect(rewriteTopic(rules, 'publish', 't/42')).toBe('num/42');
    expect(rewriteTopic(rules, 'publish', 't/abc')).toBe('t/abc');
    expect(rewriteTopic(rules, 'subscribe', 't/+')).toBe('sub/+');
    expect(rewriteTopic(rules, 'publish', 'other')).toBe('other');
  });

  it('fills %u and %c into auto-subscribe filters and skips ones that cannot be made valid', () => {
    const limits = { maxTopicLevels: 128, maxTopicLength: 65535 };
    expect(
      autoSubscribeFilter(
        { id: 'r', topicFilter: 'u/%u/c/%c', qos: 0 },
        { clientId: 'c1', username: 'al' },
        limits,
      ),
    ).toBe('u/al/c/c1');
    expect(
      autoSubscribeFilter({ id: 'r', topicFilter: 'u/%u', qos: 0 }, { clientId: 'c1' }, limits),
    ).toBeUndefined();
    expect(
      autoSubscribeFilter({ id: 'r', topicFilter: 'in/%c', qos: 0 }, { clientId: 'a#b' }, limits),
    ).toBeUndefined();
  });
});
