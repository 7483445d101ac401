// Original file: proto/placement/journal.proto

export const AcksMode = {
  ACKS_MODE_UNSPECIFIED: 'ACKS_MODE_UNSPECIFIED',
  /**
   * the segment leader alone.
   */
  ACKS_ONE: 'ACKS_ONE',
  /**
   * a majority of the replicas.
   */
  ACKS_QUORUM: 'ACKS_QUORUM',
  /**
   * every replica.
   */
  ACKS_ALL: 'ACKS_ALL',
} as const;

export type AcksMode =
  | 'ACKS_MODE_UNSPECIFIED'
  | 0
  /**
   * the segment leader alone.
   */
  | 'ACKS_ONE'
  | 1
  /**
   * a majority of the replicas.
   */
  | 'ACKS_QUORUM'
  | 2
  /**
   * every replica.
   */
  | 'ACKS_ALL'
  | 3

export type AcksMode__Output = typeof AcksMode[keyof typeof AcksMode]
