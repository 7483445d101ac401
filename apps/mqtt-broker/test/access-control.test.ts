// Authentication, blacklist and ACL decisions against a real placement center (users with hashed passwords, ACL
// rules and blacklist entries created through its gRPC API).
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlacementClient } from '@robustmq/placement-client';
import { connectResult, quietLogger as logger, testScope } from '@robustmq/testing';
import { startTestBroker } from '@robustmq/testing/broker';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';
import { AccessControl } from '../src/auth/access-control.js';
import { openAuthStorage } from '../src/auth/open-auth-storage.js';
import { StorageAuthenticator } from '../src/auth/storage-authenticator.js';
import { PlacementAuthStorage } from '../src/auth/placement-auth-storage.js';
import { loadMqttBrokerConfig } from '../src/config.js';

const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement());
  client = placement.client();
  await client.mqtt.createUser('alice', 'wonderland');
  await client.mqtt.createUser('root', 'toor', true);
  const rule = (r: {
    permission: string;
    action: string;
    subjectType: string;
    subjectValue: string;
    topicFilter: string;
    priority: number;
  }) => client.mqtt.createAclRule({ id: '', ...r } as never);
  // loopback clients (every real connection in this file) may not subscribe here: IP subjects see the client's address
  await rule({
    permission: 'DENY',
    action: 'SUBSCRIBE',
    subjectType: 'SUBJECT_IP',
    subjectValue: '127.0.0.1',
    topicFilter: 'users/alice/local',
    priority: 0,
  });
  await rule({
    permission: 'ALLOW',
    action: 'ALL',
    subjectType: 'SUBJECT_USER',
    subjectValue: 'alice',
    topicFilter: 'users/%u/#',
    priority: 1,
  });
  await rule({
    permission: 'DENY',
    action: 'PUBLISH',
    subjectType: 'SUBJECT_ALL',
    subjectValue: '',
    topicFilter: 'users/#',
    priority: 2,
  });
  await rule({
    permission: 'ALLOW',
    action: 'SUBSCRIBE',
    subjectType: 'SUBJECT_CLIENT_ID',
    subjectValue: 'dash',
    topicFilter: 'metrics/+',
    priority: 3,
  });
  await rule({
    permission: 'DENY',
    action: 'ALL',
    subjectType: 'SUBJECT_IP',
    subjectValue: '10.9.0.0/16',
    topicFilter: '#',
    priority: 4,
  });
  await client.mqtt.createBlacklistEntry({
    type: 'BLACKLIST_CLIENT_ID',
    value: 'evil',
    expiresAtMs: 0,
    reason: 'test',
  } as never);
  await client.mqtt.createBlacklistEntry({
    type: 'BLACKLIST_CIDR',
    value: '192.0.2.0/24',
    expiresAtMs: 0,
    reason: 'test',
  } as never);
  await client.mqtt.createBlacklistEntry({
    type: 'BLACKLIST_USER',
    value: 'mallory',
    expiresAtMs: Date.now() - 1000,
    reason: 'expired',
  } as never);
});

function control(options: { allowAnonymous?: boolean; aclDefault?: 'allow' | 'deny' } = {}) {
  const storage = new PlacementAuthStorage(client);
  return new AccessControl(storage, [new StorageAuthenticator(storage)], {
    allowAnonymous: options.allowAnonymous ?? false,
    aclDefault: options.aclDefault ?? 'deny',
    refreshIntervalMs: 60_000,
    logger,
  });
}

describe('AccessControl', () => {
  it('authenticates against salted hashes in placement and refuses anonymity unless allowed', async () => {
    const ac = control();
    await ac.start();
    expect(
      await ac.authorizeConnect({
        clientId: 'c1',
        username: 'alice',
        password: Buffer.from('wonderland'),
        ip: '127.0.0.1',
      }),
    ).toEqual({ ok: true, superuser: false, username: 'alice' });
    expect(
      await ac.authorizeConnect({
        clientId: 'c1',
        username: 'alice',
        password: Buffer.from('nope'),
        ip: '127.0.0.1',
      }),
    ).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(
      await ac.authorizeConnect({
        clientId: 'c1',
        username: 'nobody',
        password: Buffer.from('x'),
        ip: '127.0.0.1',
      }),
    ).toEqual({ ok: false, reason: 'bad-credentials' });
    expect(await ac.authorizeConnect({ clientId: 'c1', ip: '127.0.0.1' })).toEqual({
      ok: false,
      reason: 'not-authorized',
    });
    const open = control({ allowAnonymous: true });
    await open.start();
    expect(await open.authorizeConnect({ clientId: 'c1', ip: '127.0.0.1' })).toEqual({
      ok: true,
      superuser: false,
    });
    ac.close();
    open.close();
  });

  it('bans blacklisted client ids and CIDR blocks, but not expired entries', async () => {
    const ac = control({ allowAnonymous: true });
    await ac.start();
    expect(await ac.authorizeConnect({ clientId: 'evil', ip: '127.0.0.1' })).toEqual({
      ok: false,
      reason: 'banned',
    });
    expect(await ac.authorizeConnect({ clientId: 'c', ip: '::ffff:192.0.2.77' })).toEqual({
      ok: false,
      reason: 'banned',
    });
    expect(ac.isBanned({ clientId: 'c', username: 'mallory', ip: '127.0.0.1' })).toBe(false);
    ac.close();
  });

  it('applies ACL rules by priority with %u/%c, subjects by user, client id and IP, and the default', async () => {
    const ac = control({ aclDefault: 'deny' });
    await ac.start();
    const alice = { clientId: 'a1', username: 'alice', ip: '127.0.0.1', superuser: false };
    expect(ac.allows(alice, 'publish', 'users/alice/status')).toBe(true);
    expect(ac.allows(alice, 'subscribe', 'users/alice/#')).toBe(true);
    expect(ac.allows(alice, 'publish', 'users/bob/status')).toBe(false);
    const dash = { clientId: 'dash', ip: '127.0.0.1', superuser: false };
    expect(ac.allows(dash, 'subscribe', 'metrics/cpu')).toBe(true);
    expect(ac.allows(dash, 'publish', 'metrics/cpu')).toBe(false);
    expect(ac.allows({ clientId: 'x', ip: '10.9.3.4', superuser: false }, 'subscribe', 'anything')).toBe(
      false,
    );
    expect(
      ac.allows(
        { clientId: 'root', username: 'root', ip: '10.9.3.4', superuser: true },
        'publish',
        'users/bob/x',
      ),
    ).toBe(true);
    const permissive = control({ aclDefault: 'allow' });
    await permissive.start();
    expect(
      permissive.allows({ clientId: 'x', ip: '127.0.0.1', superuser: false }, 'publish', 'free/topic'),
    ).toBe(true);
    ac.close();
    permissive.close();
  });

  it('refuses an unknown auth storage type, naming the valid ones', async () => {
    const auth = { ...loadMqttBrokerConfig({ env: {} }).auth, storage: 'ldap' } as never;
    await expect(openAuthStorage(auth, client, logger)).rejects.toThrow(
      /unknown \[auth\] storage "ldap"; valid: "placement", "mysql"/,
    );
  });
});

describe('a broker enforcing placement users, ACL and blacklist', () => {
  it('answers CONNECT, SUBSCRIBE and PUBLISH with the right reason codes', async () => {
    const broker = scope.add(
      await startTestBroker(
        {},
        {
          placement: [placement.grpcAddress],
          sections: { auth: { allow_anonymous: false, acl_default: 'deny' } },
        },
      ),
    );
    const connect = (options: Record<string, unknown>) => connectResult(broker.url, options, scope);
    {
      const bad5 = await connect({ protocolVersion: 5, clientId: 'b1', username: 'alice', password: 'nope' });
      expect(bad5.code).toBe(0x86);
      bad5.client.end(true);
      const bad4 = await connect({ protocolVersion: 4, clientId: 'b2', username: 'alice', password: 'nope' });
      expect(bad4.code).toBe(4);
      bad4.client.end(true);
      const anon = await connect({ protocolVersion: 5, clientId: 'b3' });
      expect(anon.code).toBe(0x87);
      anon.client.end(true);
      const banned = await connect({
        protocolVersion: 5,
        clientId: 'evil',
        username: 'alice',
        password: 'wonderland',
      });
      expect(banned.code).toBe(0x8a);
      banned.client.end(true);

      const { client, code } = await connect({
        protocolVersion: 5,
        clientId: 'a1',
        username: 'alice',
        password: 'wonderland',
      });
      expect(code).toBe(0);
      expect((await client.subscribeAsync('users/alice/inbox', { qos: 1 })).map((g) => g.qos)).toEqual([1]);
      // MQTT.js turns a SUBACK 0x87 into an error naming it
      await expect(client.subscribeAsync('users/bob/inbox', { qos: 1 })).rejects.toThrow(/Not authorized/);
      await expect(client.subscribeAsync('users/alice/local', { qos: 1 })).rejects.toThrow(/Not authorized/);
      await expect(client.publishAsync('users/alice/inbox', 'mine', { qos: 1 })).resolves.toBeDefined();
      await expect(client.publishAsync('elsewhere', 'nope', { qos: 1 })).rejects.toMatchObject({
        code: 0x87,
      });
      await client.endAsync();
    }
  });
});
