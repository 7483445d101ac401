// Journal metadata records and their key layout (namespace, shard and group names never contain '/'):
//   journal/shard/<namespace>/<name>               StoredShard
//   journal/seg/<namespace>/<name>/<seq, 20 digits> StoredSegment (zero-padded so segments list in order)
//   journal/offset/<group>/<namespace>/<name>      StoredOffset
export const ACKS_MODES = ['ACKS_ONE', 'ACKS_QUORUM', 'ACKS_ALL'] as const;
export type AcksModeName = (typeof ACKS_MODES)[number];

export interface StoredShardConfig {
  replicaCount: number;
  acks: AcksModeName;
  maxSegmentBytes: number;
  maxSegmentAgeMs: number;
  retentionMs: number;
  retentionBytes: number;
}

export interface StoredShard {
  namespace: string;
  name: string;
  config: StoredShardConfig;
  status: 'SHARD_ACTIVE' | 'SHARD_DELETING';
  activeSegmentSeq: number;
  /** the lowest segment sequence still recorded (segments below it were dropped by retention). */
  firstSegmentSeq: number;
  createdAtMs: number;
}

export type SegmentStatusName = 'SEGMENT_WRITE' | 'SEGMENT_SEALED' | 'SEGMENT_DELETING';

export interface StoredSegment {
  namespace: string;
  shardName: string;
  seq: number;
  replicas: number[];
  leader: number;
  epoch: number;
  status: SegmentStatusName;
  startOffset: number;
  /** -1 while written. */
  endOffset: number;
  startTimestampMs: number;
  endTimestampMs: number;
  createdAtMs: number;
}

export interface StoredOffset {
  group: string;
  namespace: string;
  shardName: string;
  offset: number;
  committedAtMs: number;
}

export const JOURNAL_KEY = {
  shard: 'journal/shard/',
  segment: 'journal/seg/',
  offset: 'journal/offset/',
} as const;

export const shardKey = (namespace: string, name: string) => `${JOURNAL_KEY.shard}${namespace}/${name}`;
export const segmentPrefix = (namespace: string, name: string) =>
  `${JOURNAL_KEY.segment}${namespace}/${name}/`;
export const segmentKey = (namespace: string, name: string, seq: number) =>
  segmentPrefix(namespace, name) + String(seq).padStart(20, '0');
export const offsetPrefix = (group: string) => `${JOURNAL_KEY.offset}${group}/`;
export const offsetKey = (group: string, namespace: string, name: string) =>
  `${offsetPrefix(group)}${namespace}/${name}`;
