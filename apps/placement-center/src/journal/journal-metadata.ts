// Journal shards and segments: create (opening segment 0), delete (marking everything DELETING), get, list, seal
// the active segment and open the next, move a segment's leader. Replica sets for new segments are chosen here, on
// the proposing member, from the JOURNAL_SERVER nodes in the registry.
import type { SealSegmentRequest } from '@robustmq/placement-client';
import { pageLimit, requireEnum, requireSegmentName, requireUint } from '../metadata/field-checks.js';
import { MetadataError, accepted, invalid, notFound } from '../metadata/metadata-error.js';
import { tagged, type WriteOptions } from '../metadata/write-options.js';
import type { CommandResult } from '../state/commands.js';
import type { JournalCommandResult } from '../state/journal-commands.js';
import { shardExists } from '../state/apply-journal.js';
import type { NodeRegistry } from '../cluster/node-registry.js';
import type { Proposer } from '../state/proposer.js';
import {
  ACKS_MODES,
  JOURNAL_KEY,
  segmentPrefix,
  shardKey,
  type StoredSegment,
  type StoredShard,
  type StoredShardConfig,
} from '../state/journal-records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { chooseReplicas } from './replica-placement.js';

export const MAX_REPLICAS = 7;
export const DEFAULT_MAX_SEGMENT_BYTES = 1024 ** 3;
export const DEFAULT_MAX_SEGMENT_AGE_MS = 3_600_000;

export interface ShardConfigInput {
  replicaCount?: number;
  acks?: string;
  maxSegmentBytes?: number;
  maxSegmentAgeMs?: number;
  retentionMs?: number;
  retentionBytes?: number;
}

export interface ShardRef {
  namespace: string;
  name: string;
}

export function checkShardRef(namespace: string, name: string, nameField = 'name'): ShardRef {
  return { namespace: requireSegmentName('namespace', namespace), name: requireSegmentName(nameField, name) };
}

function checkConfig(input: ShardConfigInput | null | undefined): StoredShardConfig {
  if (!input) throw invalid('config is required');
  const replicaCount = input.replicaCount ?? 0;
  if (!Number.isInteger(replicaCount) || replicaCount < 1 || replicaCount > MAX_REPLICAS) {
    throw invalid(`config.replica_count must be 1-${MAX_REPLICAS}, got ${replicaCount}`);
  }
  return {
    replicaCount,
    acks: requireEnum('config.acks', input.acks, ACKS_MODES),
    maxSegmentBytes:
      requireUint('config.max_segment_bytes', input.maxSegmentBytes) || DEFAULT_MAX_SEGMENT_BYTES,
    maxSegmentAgeMs:
      requireUint('config.max_segment_age_ms', input.maxSegmentAgeMs) || DEFAULT_MAX_SEGMENT_AGE_MS,
    retentionMs: requireUint('config.retention_ms', input.retentionMs),
    retentionBytes: requireUint('config.retention_bytes', input.retentionBytes),
  };
}

export class JournalMetadata {
  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
    private readonly registry: NodeRegistry,
  ) {}

  /** Picks replicas for a new segment among the registered journal servers, ignoring the segment being sealed. */
  private async pickReplicas(
    count: number,
    excluding?: { namespace: string; shardName: string; seq: number },
  ): Promise<number[]> {
    const load = new Map<number, number>();
    for (const node of this.registry.list('JOURNAL_SERVER')) load.set(node.nodeId, 0);
    const { items } = await this.sm.scanRecords<StoredSegment>(JOURNAL_KEY.segment);
    for (const s of items) {
      if (s.status !== 'SEGMENT_WRITE') continue;
      if (
        excluding &&
        s.namespace === excluding.namespace &&
        s.shardName === excluding.shardName &&
        s.seq === excluding.seq
      )
        continue;
      for (const nodeId of s.replicas) if (load.has(nodeId)) load.set(nodeId, load.get(nodeId)! + 1);
    }
    return chooseReplicas(
      [...load].map(([nodeId, activeSegments]) => ({ nodeId, activeSegments })),
      count,
    );
  }

  /**
   * The result of the committed write that carried options' request id, or undefined. Writes that check the state
   * before proposing ask this first: a retry of a write that committed must get its result, not a refusal by the
   * check (the shard it created exists; the segment it sealed is no longer active).
   */
  private async firstAttempt<T extends JournalCommandResult['type']>(
    options: WriteOptions,
    type: T,
  ): Promise<Extract<CommandResult, { type: T }> | undefined> {
    await this.proposer.readBarrier();
    if (!options.requestId) return undefined;
    const result = await this.sm.rememberedResult(options.requestId);
    if (!result) return undefined;
    if (result.type !== type)
      throw invalid(
        `request_id "${options.requestId}" was already used by a different write (${result.type})`,
      );
    return result as Extract<CommandResult, { type: T }>;
  }

  async createShard(
    namespaceIn: string,
    nameIn: string,
    configIn: ShardConfigInput | null | undefined,
    options: WriteOptions = {},
  ): Promise<{ shard: StoredShard; segment: StoredSegment }> {
    const { namespace, name } = checkShardRef(namespaceIn, nameIn);
    const config = checkConfig(configIn);
    const first = await this.firstAttempt(options, 'journal.shard.create');
    if (first) {
      const { shard, segment } = accepted(first);
      if (shard && segment) return { shard, segment };
    }
    // answer a duplicate as such even when no journal server is up; apply re-checks against the committed state
    const existing = await this.sm.getRecord<StoredShard>(shardKey(namespace, name));
    if (existing) {
      const { code, message } = shardExists(existing);
      throw new MetadataError(code, message);
    }
    const replicas = await this.pickReplicas(config.replicaCount);
    const now = Date.now();
    const shard: StoredShard = {
      namespace,
      name,
      config,
      status: 'SHARD_ACTIVE',
      activeSegmentSeq: 0,
      firstSegmentSeq: 0,
      createdAtMs: now,
    };
    const segment: StoredSegment = {
      namespace,
      shardName: name,
      seq: 0,
      replicas,
      leader: replicas[0]!,
      epoch: 1,
      status: 'SEGMENT_WRITE',
      startOffset: 0,
      endOffset: -1,
      startTimestampMs: 0,
      endTimestampMs: 0,
      createdAtMs: now,
    };
    const result = accepted(
      await this.proposer.propose({ type: 'journal.shard.create', shard, segment, ...tagged(options) }),
    );
    // a retry answered by the state machine gets the records the first attempt stored, not this attempt's
    return { shard: result.shard ?? shard, segment: result.segment ?? segment };
  }

  async deleteShard(namespaceIn: string, nameIn: string, options: WriteOptions = {}): Promise<void> {
    const { namespace, name } = checkShardRef(namespaceIn, nameIn);
    accepted(
      await this.proposer.propose({ type: 'journal.shard.delete', namespace, name, ...tagged(options) }),
    );
  }

  async getShard(namespaceIn: string, nameIn: string): Promise<StoredShard> {
    const { namespace, name } = checkShardRef(namespaceIn, nameIn);
    await this.proposer.readBarrier();
    const shard = await this.sm.getRecord<StoredShard>(shardKey(namespace, name));
    if (!shard) throw notFound(`shard ${namespace}/${name} not found`);
    return shard;
  }

  /** startAfter is "namespace/name" of the last shard of the previous page. */
  async listShards(
    namespace: string,
    startAfter: string,
    limit: number | undefined,
  ): Promise<{ shards: StoredShard[]; more: boolean }> {
    if (namespace) requireSegmentName('namespace', namespace);
    await this.proposer.readBarrier();
    const page = await this.sm.scanRecords<StoredShard>(
      JOURNAL_KEY.shard + (namespace ? `${namespace}/` : ''),
      {
        ...(startAfter ? { startAfter: JOURNAL_KEY.shard + startAfter } : {}),
        limit: pageLimit(limit),
      },
    );
    return { shards: page.items, more: page.more };
  }

  async listSegments(namespace: string, name: string): Promise<StoredSegment[]> {
    await this.getShard(namespace, name);
    return (await this.sm.scanRecords<StoredSegment>(segmentPrefix(namespace, name))).items;
  }

  async sealAndOpenNext(
    input: SealSegmentRequest,
    options: WriteOptions = {},
  ): Promise<{ sealed: StoredSegment; next: StoredSegment }> {
    const { namespace, name } = checkShardRef(input.namespace, input.shardName, 'shard_name');
    const seq = requireUint('segment_seq', input.segmentSeq);
    if (!Number.isSafeInteger(input.endOffset) || input.endOffset < -1)
      throw invalid(`end_offset must be an integer >= -1, got ${input.endOffset}`);
    // replicas for the next segment are chosen from the live journal servers, which may fail by now for a retry
    const first = await this.firstAttempt(options, 'journal.segment.seal');
    if (first) {
      const { sealed, next } = accepted(first);
      return { sealed: sealed!, next: next! };
    }
    const shard = await this.getShard(namespace, name);
    const replicas = await this.pickReplicas(shard.config.replicaCount, { namespace, shardName: name, seq });
    const result = accepted(
      await this.proposer.propose({
        type: 'journal.segment.seal',
        namespace,
        shardName: name,
        seq,
        endOffset: input.endOffset,
        startTimestampMs: requireUint('start_timestamp_ms', input.startTimestampMs),
        endTimestampMs: requireUint('end_timestamp_ms', input.endTimestampMs),
        next: { replicas, leader: replicas[0]!, createdAtMs: Date.now() },
        ...tagged(options),
      }),
    );
    return { sealed: result.sealed!, next: result.next! };
  }

  async updateSegmentLeader(
    input: {
      namespace: string;
      shardName: string;
      segmentSeq: number;
      leader: number;
      expectedEpoch?: number;
    },
    options: WriteOptions = {},
  ): Promise<StoredSegment> {
    const { namespace, name } = checkShardRef(input.namespace, input.shardName, 'shard_name');
    const leader = requireUint('leader', input.leader);
    if (leader === 0) throw invalid('leader must be a journal server node id (> 0)');
    const result = accepted(
      await this.proposer.propose({
        type: 'journal.segment.leader',
        namespace,
        shardName: name,
        seq: requireUint('segment_seq', input.segmentSeq),
        leader,
        expectedEpoch: requireUint('expected_epoch', input.expectedEpoch),
        ...tagged(options),
      }),
    );
    return result.segment!;
  }
}
