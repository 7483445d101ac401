// The metadata commands at the state-machine seam: deterministic apply (two members applying the same log end in
// byte-identical state), refusals that do not fail the rest of a batch, and the pure helpers the proposing side
// uses (password hashing, replica choice, topic filter and CIDR checks).
import { describe, expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';
import { RocksDbEngine } from '@robustmq/common';
import { PlacementStateMachine, type LogEntry } from '../src/state/state-machine.js';
import { decodeCommand, encodeCommand, type PlacementCommand } from '../src/state/commands.js';
import { hashPassword, verifyPassword } from '../src/mqtt/password-hash.js';
import { chooseReplicas } from '../src/journal/replica-placement.js';
import { checkTopicFilter } from '../src/mqtt/topic-filter.js';
import { checkCidr, checkIpOrCidr } from '../src/mqtt/ip-address.js';
import { MetadataError } from '../src/metadata/metadata-error.js';

const scope = testScope('each');
async function open() {
  const engine = scope.add(await RocksDbEngine.open(tempDir('meta', scope)));
  return { engine, sm: await PlacementStateMachine.open(engine, { sync: false }) };
}

async function dump(engine: RocksDbEngine): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, value] of engine.scan({}))
    out.push(`${key.toString('hex')}=${value.toString('hex')}`);
  return out;
}

async function commandLog(): Promise<PlacementCommand[]> {
  const password = await hashPassword('pw');
  const segment = {
    namespace: 'ns',
    shardName: 's',
    seq: 0,
    replicas: [1, 2],
    leader: 1,
    epoch: 1,
    status: 'SEGMENT_WRITE' as const,
    startOffset: 0,
    endOffset: -1,
    startTimestampMs: 0,
    endTimestampMs: 0,
    createdAtMs: 5,
  };
  return [
    {
      type: 'mqtt.user.create',
      user: { username: 'u', password, superuser: false, createdAtMs: 1, updatedAtMs: 1 },
    },
    // a duplicate: refused, and the batch goes on
    {
      type: 'mqtt.user.create',
      user: { username: 'u', password, superuser: true, createdAtMs: 2, updatedAtMs: 2 },
    },
    { type: 'mqtt.user.update', username: 'u', superuser: true, updatedAtMs: 3 },
    {
      type: 'mqtt.acl.create',
      rule: {
        id: 'r',
        permission: 'ALLOW',
        action: 'ALL',
        subjectType: 'SUBJECT_ALL',
        subjectValue: '',
        topicFilter: '#',
        priority: 0,
        createdAtMs: 4,
      },
    },
    {
      type: 'mqtt.blacklist.put',
      entry: { type: 'BLACKLIST_IP', value: '10.0.0.1', expiresAtMs: 0, reason: '', createdAtMs: 4 },
    },
    {
      type: 'mqtt.resource.put',
      resource: { type: 'TOPIC', key: 't', record: { createdAtMs: 1 }, payload: '', updatedAtMs: 4 },
    },
    {
      type: 'journal.shard.create',
      shard: {
        namespace: 'ns',
        name: 's',
        config: {
          replicaCount: 2,
          acks: 'ACKS_ALL',
          maxSegmentBytes: 1,
          maxSegmentAgeMs: 1,
          retentionMs: 0,
          retentionBytes: 0,
        },
        status: 'SHARD_ACTIVE',
        activeSegmentSeq: 0,
        firstSegmentSeq: 0,
        createdAtMs: 5,
      },
      segment,
    },
    {
      type: 'journal.segment.seal',
      namespace: 'ns',
      shardName: 's',
      seq: 0,
      endOffset: 9,
      startTimestampMs: 1,
      endTimestampMs: 2,
      next: { replicas: [2, 3], leader: 2, createdAtMs: 6 },
    },
    // stale: segment 0 is no longer active
    {
      type: 'journal.segment.seal',
      namespace: 'ns',
      shardName: 's',
      seq: 0,
      endOffset: 19,
      startTimestampMs: 1,
      endTimestampMs: 2,
      next: { replicas: [1, 3], leader: 1, createdAtMs: 7 },
    },
    { type: 'journal.segment.leader', namespace: 'ns', shardName: 's', seq: 1, leader: 3, expectedEpoch: 1 },
    {
      type: 'journal.offset.commit',
      offset: { group: 'g', namespace: 'ns', shardName: 's', offset: 5, committedAtMs: 8 },
    },
    { type: 'journal.shard.delete', namespace: 'ns', name: 's' },
  ];
}

describe('metadata commands in the state machine', () => {
  it('round-trip through the log encoding', async () => {
    for (const command of await commandLog()) expect(decodeCommand(encodeCommand(command))).toEqual(command);
  });

  it('leave two members that apply the same log (in different batchings) in identical state', async () => {
    const log = (await commandLog()).map((c) => decodeCommand(encodeCommand(c)));
    const entries: LogEntry[] = log.map((command, i) => ({ index: i + 1, command }));
    const a = await open();
    const b = await open();
    const results = await a.sm.applyBatch(entries);
    for (const entry of entries) await b.sm.applyBatch([entry]);
    await a.sm.flush();
    await b.sm.flush();
    expect(await dump(a.engine)).toEqual(await dump(b.engine));

    expect(results[1]).toMatchObject({ rejection: { code: 'ALREADY_EXISTS' } });
    expect(results[2]).toMatchObject({ user: { superuser: true, createdAtMs: 1, updatedAtMs: 3 } });
    expect(results[7]).toMatchObject({ next: { seq: 1, startOffset: 10, replicas: [2, 3] } });
    expect(results[8]).toMatchObject({ rejection: { code: 'FAILED_PRECONDITION' } });
    expect(results[9]).toMatchObject({ segment: { leader: 3, epoch: 2 } });
    expect(a.sm.appliedIndex).toBe(log.length);
    const segments = (await a.sm.scanRecords<{ status: string }>('journal/seg/')).items;
    expect(segments.map((s) => s.status)).toEqual(['SEGMENT_DELETING', 'SEGMENT_DELETING']);
  });
});

describe('password hashes', () => {
  it('are salted, keep their parameters and verify only the right password', async () => {
    const one = await hashPassword('secret');
    const two = await hashPassword('secret');
    expect(one.salt).not.toBe(two.salt);
    expect(one.hash).not.toBe(two.hash);
    expect(one).toMatchObject({ algorithm: 'scrypt', n: 16_384, r: 8, p: 1, keyLength: 32 });
    expect(await verifyPassword('secret', one)).toBe(true);
    expect(await verifyPassword('Secret', one)).toBe(false);
  });

  it('still verify after the parameters for new hashes change (they are read from the stored hash)', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const old = {
      algorithm: 'scrypt' as const,
      n: 1024,
      r: 4,
      p: 2,
      keyLength: 16,
      salt: salt.toString('base64'),
      hash: scryptSync('pw', salt, 16, { N: 1024, r: 4, p: 2 }).toString('base64'),
    };
    expect(await verifyPassword('pw', old)).toBe(true);
    expect(await verifyPassword('px', old)).toBe(false);
  });
});

describe('replica choice', () => {
  it('takes distinct, least-loaded nodes, ties by node id', () => {
    expect(
      chooseReplicas(
        [
          { nodeId: 3, activeSegments: 0 },
          { nodeId: 1, activeSegments: 2 },
          { nodeId: 2, activeSegments: 0 },
          { nodeId: 2, activeSegments: 0 },
        ],
        2,
      ),
    ).toEqual([2, 3]);
  });

  it('says how many nodes are needed and how many there are', () => {
    expect(() => chooseReplicas([{ nodeId: 1, activeSegments: 0 }], 3)).toThrow(
      /needs 3 distinct journal servers .* only 1 is registered/,
    );
    expect(() => chooseReplicas([], 1)).toThrow(
      expect.objectContaining({ name: 'MetadataError', code: 'FAILED_PRECONDITION' }),
    );
  });
});

describe('topic filters and addresses', () => {
  it('accepts valid filters with placeholders and refuses misplaced wildcards', () => {
    for (const ok of ['#', '+', 'a/+/b', 'a/#', '/a', 'a//b', 'users/%u/#', '%c/+', '$SYS/#'])
      expect(checkTopicFilter('f', ok)).toBe(ok);
    for (const bad of ['', 'a/#/b', 'a#', 'a/b+', '+a', 'x\u0000y'])
      expect(() => checkTopicFilter('f', bad)).toThrow(MetadataError);
  });

  it('accepts IPv4/IPv6 addresses and CIDR blocks, refuses the rest', () => {
    expect(checkCidr('v', '10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(checkCidr('v', 'fd00::/8')).toBe('fd00::/8');
    expect(checkIpOrCidr('v', '::1')).toBe('::1');
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '::/129', 'host/8', '10.0.0.0/-1', '10.0.0.0/8/8'])
      expect(() => checkCidr('v', bad)).toThrow(/v must be a CIDR/);
    expect(() => checkIpOrCidr('v', 'example.com')).toThrow(/v must be an IPv4 or IPv6/);
  });
});
