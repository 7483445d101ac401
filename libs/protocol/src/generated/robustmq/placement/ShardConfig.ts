// Original file: proto/placement/journal.proto

import type { AcksMode as _robustmq_placement_AcksMode, AcksMode__Output as _robustmq_placement_AcksMode__Output } from '../../robustmq/placement/AcksMode.js';
import type { Long } from '@grpc/proto-loader';

export interface ShardConfig {
  /**
   * number of journal servers holding each segment (1-7).
   */
  'replicaCount'?: (number);
  'acks'?: (_robustmq_placement_AcksMode);
  /**
   * a segment is sealed when it reaches this size (bytes) or age (ms); 0 = the default (1 GiB, 1 hour).
   */
  'maxSegmentBytes'?: (number | string | Long);
  'maxSegmentAgeMs'?: (number | string | Long);
  /**
   * sealed segments older than this (ms) or beyond this total size (bytes) are deleted; 0 = keep forever.
   */
  'retentionMs'?: (number | string | Long);
  'retentionBytes'?: (number | string | Long);
}

export interface ShardConfig__Output {
  /**
   * number of journal servers holding each segment (1-7).
   */
  'replicaCount': (number);
  'acks': (_robustmq_placement_AcksMode__Output);
  /**
   * a segment is sealed when it reaches this size (bytes) or age (ms); 0 = the default (1 GiB, 1 hour).
   */
  'maxSegmentBytes': (number);
  'maxSegmentAgeMs': (number);
  /**
   * sealed segments older than this (ms) or beyond this total size (bytes) are deleted; 0 = keep forever.
   */
  'retentionMs': (number);
  'retentionBytes': (number);
}
