// What this journal server knows from placement: shard configs, segment metadata (replicas, leader, epoch, status)
// and where the other journal servers' data ports are. Cached, and refreshed whenever a caller says its copy looks
// stale (a peer named another leader, a connection failed), so placement is asked only when something changed.
import * as grpc from '@grpc/grpc-js';
import { PlacementError, type PlacementClient } from '@robustmq/placement-client';
import type { Segment__Output, Shard__Output } from '@robustmq/protocol';
import { JournalDataAddresses, JournalError } from '@robustmq/protocol/journal';

export type SegmentMeta = Segment__Output;
export type ShardMeta = Shard__Output;

const SHARD_TTL_MS = 5_000;

export class SegmentDirectory {
  private readonly shards = new Map<string, { shard: ShardMeta; at: number }>();
  private readonly segments = new Map<string, SegmentMeta[]>();
  private readonly nodes = new JournalDataAddresses(() =>
    this.placementCall(() => this.placement.cluster.listNodes('JOURNAL_SERVER')),
  );

  constructor(private readonly placement: PlacementClient) {}

  /** SHARD_NOT_FOUND when placement does not know the shard (or it is being deleted). */
  async shard(namespace: string, name: string, refresh = false): Promise<ShardMeta> {
    const key = `${namespace}/${name}`;
    const cached = this.shards.get(key);
    if (cached && !refresh && Date.now() - cached.at < SHARD_TTL_MS) return cached.shard;
    const shard = await this.placementCall(() => this.placement.journal.getShard(namespace, name));
    if (!shard || shard.status === 'SHARD_DELETING') {
      this.shards.delete(key);
      throw new JournalError(
        'SHARD_NOT_FOUND',
        `shard ${namespace}/${name} does not exist${shard ? ' (it is being deleted)' : ''}`,
      );
    }
    this.shards.set(key, { shard, at: Date.now() });
    return shard;
  }

  /** the segment's metadata; SEGMENT_NOT_FOUND / SHARD_NOT_FOUND when placement has none. */
  async segment(namespace: string, name: string, seq: number, refresh = false): Promise<SegmentMeta> {
    const key = `${namespace}/${name}`;
    let list = this.segments.get(key);
    let found = list?.find((s) => s.seq === seq);
    if (!found || refresh) {
      list = await this.placementCall(() => this.placement.journal.listSegments(namespace, name));
      this.segments.set(key, list);
      found = list.find((s) => s.seq === seq);
    }
    if (!found)
      throw new JournalError('SEGMENT_NOT_FOUND', `shard ${namespace}/${name} has no segment ${seq}`);
    return found;
  }

  /** remembers a segment placement just answered with (after a seal or a leader change). */
  remember(segment: SegmentMeta): void {
    const key = `${segment.namespace}/${segment.shardName}`;
    const list = (this.segments.get(key) ?? []).filter((s) => s.seq !== segment.seq);
    list.push(segment);
    list.sort((a, b) => a.seq - b.seq);
    this.segments.set(key, list);
  }

  forget(namespace: string, name: string): void {
    this.segments.delete(`${namespace}/${name}`);
    this.shards.delete(`${namespace}/${name}`);
  }

  /** host:port of a journal server's data port; UNAVAILABLE when it is not registered. */
  address(nodeId: number, refresh = false): Promise<string> {
    return this.nodes.get(nodeId, refresh);
  }

  private async placementCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) {
        throw new JournalError('SHARD_NOT_FOUND', err.message);
      }
      if (err instanceof PlacementError && err.code === grpc.status.INVALID_ARGUMENT) {
        throw new JournalError('BAD_REQUEST', err.message);
      }
      throw new JournalError('UNAVAILABLE', `placement center: ${(err as Error).message}`);
    }
  }
}
