// MqttService over a real gRPC connection with the real PlacementClient: users and authentication, ACL rules, the
// blacklist and broker state resources, their validation errors, and survival across a restart.
import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlacementClient } from '@robustmq/placement-client';
import { scramCredential } from '@robustmq/common';
import { newMqttClient } from '@robustmq/protocol';
import { expectCode } from '@robustmq/testing';
import { usePlacement, testNode } from '@robustmq/testing/placement';

const pc = usePlacement();
// replaced after a restart in a test below, so a variable of its own rather than a second fixture client
let client: PlacementClient;
beforeAll(() => void (client = pc.placement.client({ callTimeoutMs: 5000 })));

/** Every reply must be free of password material, whatever the call. */
function expectNoHash(value: unknown) {
  const text = JSON.stringify(value);
  expect(text).not.toMatch(/scrypt|salt|hash|password/i);
}

describe('MQTT users', () => {
  it('creates, gets, lists, authenticates, updates and deletes a user', async () => {
    const created = await client.mqtt.createUser('alice', 's3cret');
    expect(created).toMatchObject({ username: 'alice', superuser: false });
    expect(created.createdAtMs).toBeGreaterThan(0);
    expectNoHash(created);
    expectNoHash(await client.mqtt.getUser('alice'));

    expect(await client.mqtt.authenticateUser('alice', 's3cret')).toEqual({
      authenticated: true,
      superuser: false,
    });
    // a wrong password, an unknown user, an empty password
    for (const [user, password] of [
      ['alice', 'wrong'],
      ['nobody', 's3cret'],
      ['alice', ''],
    ] as const)
      expect(await client.mqtt.authenticateUser(user, password)).toEqual({
        authenticated: false,
        superuser: false,
      });

    const updated = await client.mqtt.updateUser('alice', { password: 'n3w', superuser: true });
    expect(updated).toMatchObject({ username: 'alice', superuser: true, createdAtMs: created.createdAtMs });
    expect((await client.mqtt.authenticateUser('alice', 's3cret')).authenticated).toBe(false);
    expect(await client.mqtt.authenticateUser('alice', 'n3w')).toEqual({
      authenticated: true,
      superuser: true,
    });
    // the flag alone, password kept
    await client.mqtt.updateUser('alice', { superuser: false });
    expect(await client.mqtt.authenticateUser('alice', 'n3w')).toEqual({
      authenticated: true,
      superuser: false,
    });

    await client.mqtt.deleteUser('alice');
    expect(await client.mqtt.getUser('alice')).toBeUndefined();
    expect((await client.mqtt.authenticateUser('alice', 'n3w')).authenticated).toBe(false);
  });

  it('keeps SCRAM credentials derived from the password (Kafka SASL/SCRAM), replaced with it, never the password', async () => {
    await client.mqtt.createUser('scram-user', 'pencil');
    const c256 = await client.mqtt.getScramCredential('scram-user', 'SCRAM-SHA-256');
    const c512 = await client.mqtt.getScramCredential('scram-user', 'SCRAM-SHA-512');
    expect(c256).toMatchObject({ iterations: 4096 });
    // the keys are the ones the password derives with the stored salt, not the password
    expect(c256).toEqual(
      await scramCredential('pencil', 'SCRAM-SHA-256', c256!.iterations, Buffer.from(c256!.salt, 'base64')),
    );
    expect(c512).toEqual(
      await scramCredential('pencil', 'SCRAM-SHA-512', c512!.iterations, Buffer.from(c512!.salt, 'base64')),
    );
    expect(JSON.stringify([c256, c512])).not.toContain('pencil');
    await client.mqtt.updateUser('scram-user', { password: 'pen' });
    const after = await client.mqtt.getScramCredential('scram-user', 'SCRAM-SHA-256');
    expect(after).toEqual(
      await scramCredential('pen', 'SCRAM-SHA-256', after!.iterations, Buffer.from(after!.salt, 'base64')),
    );
    // the superuser flag alone keeps them
    await client.mqtt.updateUser('scram-user', { superuser: true });
    expect(await client.mqtt.getScramCredential('scram-user', 'SCRAM-SHA-256')).toEqual(after);
    expect(await client.mqtt.getScramCredential('nobody', 'SCRAM-SHA-256')).toBeUndefined();
    await expectCode(
      client.mqtt.getScramCredential('scram-user', 'SCRAM-MD5' as 'SCRAM-SHA-256'),
      grpc.status.INVALID_ARGUMENT,
    );
    expectNoHash(await client.mqtt.getUser('scram-user'));
    await client.mqtt.deleteUser('scram-user');
  });

  it('pages through users in name order', async () => {
    for (const name of ['u3', 'u1', 'u2', 'u4', 'u5']) await client.mqtt.createUser(name, 'pw');
    const first = await client.mqtt.listUsers('', 2);
    expect(first.users.map((u) => u.username)).toEqual(['u1', 'u2']);
    expect(first.more).toBe(true);
    const rest = await client.mqtt.listUsers('u2', 10);
    expect(rest.users.map((u) => u.username)).toEqual(['u3', 'u4', 'u5']);
    expect(rest.more).toBe(false);
    expectNoHash(rest);
  });

  it('answers ALREADY_EXISTS, NOT_FOUND and INVALID_ARGUMENT naming the field', async () => {
    await client.mqtt.createUser('bob', 'pw');
    await expectCode(
      client.mqtt.createUser('bob', 'other'),
      grpc.status.ALREADY_EXISTS,
      /user "bob" already exists/,
    );
    await expectCode(
      client.mqtt.updateUser('ghost', { password: 'x' }),
      grpc.status.NOT_FOUND,
      /user "ghost" not found/,
    );
    await expectCode(client.mqtt.deleteUser('ghost'), grpc.status.NOT_FOUND);
    await expectCode(
      client.mqtt.createUser('', 'pw'),
      grpc.status.INVALID_ARGUMENT,
      /username must not be empty/,
    );
    await expectCode(
      client.mqtt.createUser('carol', ''),
      grpc.status.INVALID_ARGUMENT,
      /password must not be empty/,
    );
    await expectCode(client.mqtt.updateUser('bob', {}), grpc.status.INVALID_ARGUMENT, /nothing to update/);
    await expectCode(client.mqtt.listUsers('', 20_000), grpc.status.INVALID_ARGUMENT, /limit/);
    await expectCode(client.mqtt.authenticateUser('', 'pw'), grpc.status.INVALID_ARGUMENT, /username/);
  });

  it('reports NOT_FOUND for GetUser on the wire', async () => {
    const raw = newMqttClient(pc.placement.handle.grpcAddress, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.GetUser({ username: 'nope' }, (e) => resolve(e)),
    );
    const empty = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.CreateAclRule({}, (e) => resolve(e)),
    );
    raw.close();
    expect(err?.code).toBe(grpc.status.NOT_FOUND);
    expect(empty?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(empty?.details).toMatch(/rule is required/);
  });
});

describe('ACL rules', () => {
  const base = {
    permission: 'ALLOW',
    action: 'PUBLISH',
    subjectType: 'SUBJECT_USER',
    subjectValue: 'alice',
    topicFilter: 'devices/%u/#',
  } as const;

  it('creates rules (with given or generated ids), lists them by priority and deletes them', async () => {
    const a = await client.mqtt.createAclRule({ ...base, id: 'r-a', priority: 10 });
    const b = await client.mqtt.createAclRule({
      ...base,
      permission: 'DENY',
      action: 'ALL',
      subjectType: 'SUBJECT_ALL',
      subjectValue: '',
      topicFilter: '#',
      priority: 100,
    });
    const c = await client.mqtt.createAclRule({
      ...base,
      id: 'r-c',
      subjectType: 'SUBJECT_IP',
      subjectValue: '10.0.0.0/8',
      action: 'SUBSCRIBE',
      topicFilter: 'x/+/%c',
      priority: 1,
    });
    expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.createdAtMs).toBeGreaterThan(0);
    expect((await client.mqtt.listAclRules()).map((r) => r.id)).toEqual(['r-c', 'r-a', b.id]);
    expect((await client.mqtt.listAclRules())[0]).toMatchObject({
      subjectType: 'SUBJECT_IP',
      subjectValue: '10.0.0.0/8',
      topicFilter: 'x/+/%c',
    });
    await client.mqtt.deleteAclRule('r-a');
    await client.mqtt.deleteAclRule(b.id);
    await client.mqtt.deleteAclRule(c.id);
    expect(await client.mqtt.listAclRules()).toEqual([]);
  });

  it('refuses a duplicate rule and an unknown id', async () => {
    await client.mqtt.createAclRule({ ...base, id: 'dup' });
    await expectCode(client.mqtt.createAclRule({ ...base, id: 'dup' }), grpc.status.ALREADY_EXISTS);
    await expectCode(client.mqtt.deleteAclRule('missing'), grpc.status.NOT_FOUND);
    await client.mqtt.deleteAclRule('dup');
  });

  it.each([
    [{ permission: 'ACL_PERMISSION_UNSPECIFIED' }, /permission must be one of ALLOW, DENY/],
    [{ action: 'ACL_ACTION_UNSPECIFIED' }, /action/],
    [{ subjectType: 'SUBJECT_IP', subjectValue: '10.0.0.0/33' }, /subject_value must be a CIDR/],
    [{ subjectType: 'SUBJECT_IP', subjectValue: '300.1.1.1' }, /subject_value/],
    [{ subjectValue: '' }, /subject_value must not be empty/],
    [{ subjectType: 'SUBJECT_ALL' }, /subject_value must be empty/],
    [{ topicFilter: 'a/#/b' }, /topic_filter .* '#'/],
    [{ topicFilter: 'a/b+' }, /topic_filter .* '\+'/],
    [{ topicFilter: '' }, /topic_filter must not be empty/],
    [{ id: 'a/b' }, /id must not contain/],
  ] as const)('refuses a rule with %j: INVALID_ARGUMENT naming the field', async (change, message) => {
    await expectCode(
      client.mqtt.createAclRule({ ...base, ...change }),
      grpc.status.INVALID_ARGUMENT,
      message,
    );
  });
});

describe('blacklist', () => {
  it('adds, replaces, lists and deletes entries of every type', async () => {
    await client.mqtt.createBlacklistEntry({
      type: 'BLACKLIST_CLIENT_ID',
      value: 'bad-client',
      reason: 'abuse',
    });
    await client.mqtt.createBlacklistEntry({
      type: 'BLACKLIST_USER',
      value: 'mallory',
      expiresAtMs: 4_102_444_800_000,
    });
    await client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_IP', value: '192.0.2.7' });
    await client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_CIDR', value: '2001:db8::/32' });
    const replaced = await client.mqtt.createBlacklistEntry({
      type: 'BLACKLIST_USER',
      value: 'mallory',
      expiresAtMs: 1,
    });
    expect(replaced.expiresAtMs).toBe(1);
    const entries = await client.mqtt.listBlacklist();
    expect(entries).toHaveLength(4);
    expect(entries.find((e) => e.value === 'mallory')).toMatchObject({
      type: 'BLACKLIST_USER',
      expiresAtMs: 1,
    });
    expect(entries.find((e) => e.value === 'bad-client')).toMatchObject({ reason: 'abuse', expiresAtMs: 0 });
    await client.mqtt.deleteBlacklistEntry('BLACKLIST_CIDR', '2001:db8::/32');
    expect((await client.mqtt.listBlacklist()).map((e) => e.value)).not.toContain('2001:db8::/32');
  });

  it('refuses bad entries and unknown deletions', async () => {
    await expectCode(
      client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_CIDR', value: '10.0.0.1' }),
      grpc.status.INVALID_ARGUMENT,
      /value must be a CIDR block/,
    );
    await expectCode(
      client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_CIDR', value: 'nonsense/8' }),
      grpc.status.INVALID_ARGUMENT,
      /CIDR/,
    );
    await expectCode(
      client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_IP', value: '10.0.0.0/8' }),
      grpc.status.INVALID_ARGUMENT,
      /value must be an IPv4 or IPv6 address/,
    );
    await expectCode(
      client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_TYPE_UNSPECIFIED', value: 'x' }),
      grpc.status.INVALID_ARGUMENT,
      /type must be one of/,
    );
    await expectCode(
      client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_USER', value: '' }),
      grpc.status.INVALID_ARGUMENT,
      /value must not be empty/,
    );
    await expectCode(
      client.mqtt.deleteBlacklistEntry('BLACKLIST_USER', 'never-added'),
      grpc.status.NOT_FOUND,
    );
  });
});

describe('broker state resources', () => {
  it('puts, gets, lists and deletes sessions, subscriptions, topics, retained and will messages, rules and group leaders', async () => {
    const session = { brokerNodeId: 3, connected: true, sessionExpiryIntervalSec: 3600 };
    const put = await client.mqtt.putResource('SESSION', 'client-1', session);
    expect(put.created).toBe(true);
    expect(put.resource.record).toEqual(session);
    // a recent disconnect: the leader's scheduler would expire a session whose expiry had already passed
    const disconnectedAt = Date.now();
    const again = await client.mqtt.putResource('SESSION', 'client-1', {
      ...session,
      connected: false,
      lastDisconnectAtMs: disconnectedAt,
    });
    expect(again.created).toBe(false);
    expect((await client.mqtt.getResource('SESSION', 'client-1'))?.record).toMatchObject({
      connected: false,
      lastDisconnectAtMs: disconnectedAt,
    });

    await client.mqtt.putResource('SUBSCRIPTION', 'client-1', {
      subscriptions: [
        { topicFilter: 'a/+', qos: 1, noLocal: true },
        { topicFilter: '#', qos: 0, identifier: 7 },
      ],
    });
    await client.mqtt.putResource('TOPIC', 'sensors/t1', { createdAtMs: 1 });
    await client.mqtt.putResource(
      'RETAINED_MESSAGE',
      'sensors/t1',
      { qos: 1, properties: { contentType: 'text/plain' } },
      Buffer.from([0, 1, 2, 255]),
    );
    await client.mqtt.putResource(
      'WILL_MESSAGE',
      'client-1',
      { topic: 'status/client-1', qos: 1, retain: true, delayIntervalSec: 30 },
      Buffer.from('gone'),
    );
    await client.mqtt.putResource('TOPIC_REWRITE_RULE', 'r1', {
      action: 'publish',
      sourceTopic: 'old/#',
      destTopic: 'new/$1',
      regex: '^old/(.*)$',
    });
    await client.mqtt.putResource('AUTO_SUBSCRIBE_RULE', 'a1', { topicFilter: 'welcome/%c', qos: 0 });
    await client.mqtt.putResource('SHARED_GROUP_LEADER', 'g1', { brokerNodeId: 2 });

    expect((await client.mqtt.getResource('RETAINED_MESSAGE', 'sensors/t1'))?.payload).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );
    expect((await client.mqtt.getResource('WILL_MESSAGE', 'client-1'))?.payload.toString()).toBe('gone');
    expect((await client.mqtt.getResource('SHARED_GROUP_LEADER', 'g1'))?.record).toEqual({ brokerNodeId: 2 });
    expect((await client.mqtt.getResource('TOPIC', 'sensors/t1'))?.updatedAtMs).toBeGreaterThan(0);

    for (const id of ['c-a', 'c-b', 'other']) await client.mqtt.putResource('SESSION', id, session);
    const page = await client.mqtt.listResources('SESSION', { keyPrefix: 'c', limit: 2 });
    expect(page.resources.map((r) => r.key)).toEqual(['c-a', 'c-b']);
    expect(page.more).toBe(true);
    const next = await client.mqtt.listResources('SESSION', { keyPrefix: 'c', startAfter: 'c-b' });
    expect(next.resources.map((r) => r.key)).toEqual(['client-1']);

    expect(await client.mqtt.deleteResource('SESSION', 'c-a')).toBe(true);
    expect(await client.mqtt.deleteResource('SESSION', 'c-a')).toBe(false);
    expect(await client.mqtt.getResource('SESSION', 'c-a')).toBeUndefined();
  });

  it('validates each type: key, JSON fields and payload', async () => {
    await expectCode(
      client.mqtt.putResource('SESSION', 'c', {
        brokerNodeId: 1,
        connected: 'yes',
        sessionExpiryIntervalSec: 0,
      }),
      grpc.status.INVALID_ARGUMENT,
      /json\.connected/,
    );
    await expectCode(
      client.mqtt.putResource('SESSION', 'c', { brokerNodeId: 1, connected: true }),
      grpc.status.INVALID_ARGUMENT,
      /json\.sessionExpiryIntervalSec/,
    );
    await expectCode(
      client.mqtt.putResource('SESSION', 'c', {
        brokerNodeId: 1,
        connected: true,
        sessionExpiryIntervalSec: 0,
        typo: 1,
      }),
      grpc.status.INVALID_ARGUMENT,
      /typo/,
    );
    await expectCode(
      client.mqtt.putResource('SESSION', '', {
        brokerNodeId: 1,
        connected: true,
        sessionExpiryIntervalSec: 0,
      }),
      grpc.status.INVALID_ARGUMENT,
      /key \(client id\) must not be empty/,
    );
    await expectCode(
      client.mqtt.putResource('SUBSCRIPTION', 'c', { subscriptions: [{ topicFilter: 'a/#/b', qos: 0 }] }),
      grpc.status.INVALID_ARGUMENT,
      /json\.subscriptions\.0\.topicFilter/,
    );
    await expectCode(
      client.mqtt.putResource('SUBSCRIPTION', 'c', { subscriptions: [{ topicFilter: 'a', qos: 3 }] }),
      grpc.status.INVALID_ARGUMENT,
      /json\.subscriptions\.0\.qos/,
    );
    await expectCode(
      client.mqtt.putResource('TOPIC', 'a/+', { createdAtMs: 1 }),
      grpc.status.INVALID_ARGUMENT,
      /not a valid topic name/,
    );
    await expectCode(
      client.mqtt.putResource('TOPIC', 't', { createdAtMs: 1 }, Buffer.from('x')),
      grpc.status.INVALID_ARGUMENT,
      /payload is only for/,
    );
    await expectCode(
      client.mqtt.putResource('TOPIC_REWRITE_RULE', 'r', {
        action: 'publish',
        sourceTopic: 'a',
        destTopic: 'b',
        regex: '(',
      }),
      grpc.status.INVALID_ARGUMENT,
      /json\.regex: not a valid regular expression/,
    );
    await expectCode(
      client.mqtt.putResource('SHARED_GROUP_LEADER', 'g/1', { brokerNodeId: 1 }),
      grpc.status.INVALID_ARGUMENT,
      /must not contain '\/'/,
    );
    await expectCode(
      client.mqtt.putResource('MQTT_RESOURCE_TYPE_UNSPECIFIED', 'k', {}),
      grpc.status.INVALID_ARGUMENT,
      /type must be one of SESSION/,
    );
    await expectCode(client.mqtt.getResource('TOPIC', ''), grpc.status.INVALID_ARGUMENT);
  });

  it('rejects text that is not JSON', async () => {
    const raw = newMqttClient(pc.placement.handle.grpcAddress, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.PutResource({ resource: { type: 'TOPIC', key: 't', json: '{nope' } }, (e) => resolve(e)),
    );
    raw.close();
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/json is not valid JSON/);
  });
});

describe('restart', () => {
  it('keeps users (with working passwords), ACL rules, blacklist entries and resources', async () => {
    await client.mqtt.createUser('durable', 'pw-d', true);
    await client.mqtt.createAclRule({
      id: 'keep',
      permission: 'DENY',
      action: 'SUBSCRIBE',
      subjectType: 'SUBJECT_CLIENT_ID',
      subjectValue: 'c9',
      topicFilter: '$SYS/#',
    });
    await client.mqtt.createBlacklistEntry({ type: 'BLACKLIST_CIDR', value: '198.51.100.0/24' });
    // the group's broker is registered: the leader moves the groups of brokers that are not (shared-group scheduling)
    await client.cluster.registerNode(testNode('MQTT_BROKER', 9, {}, { host: 'h' }));
    await client.mqtt.putResource('SHARED_GROUP_LEADER', 'durable-group', { brokerNodeId: 9 });
    await pc.placement.restart();
    client.close();
    client = pc.placement.client({ callTimeoutMs: 5000 });
    expect(await client.mqtt.authenticateUser('durable', 'pw-d')).toEqual({
      authenticated: true,
      superuser: true,
    });
    expect((await client.mqtt.listAclRules()).map((r) => r.id)).toContain('keep');
    expect((await client.mqtt.listBlacklist()).map((e) => e.value)).toContain('198.51.100.0/24');
    expect((await client.mqtt.getResource('SHARED_GROUP_LEADER', 'durable-group'))?.record).toEqual({
      brokerNodeId: 9,
    });
  });
});
