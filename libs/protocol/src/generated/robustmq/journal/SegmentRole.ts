// Original file: proto/journal/inner.proto

export const SegmentRole = {
  SEGMENT_ROLE_UNSPECIFIED: 'SEGMENT_ROLE_UNSPECIFIED',
  /**
   * this node leads the segment (and serves appends, or has sealed it).
   */
  ROLE_LEADER: 'ROLE_LEADER',
  /**
   * this node holds a replica and follows the leader.
   */
  ROLE_FOLLOWER: 'ROLE_FOLLOWER',
} as const;

export type SegmentRole =
  | 'SEGMENT_ROLE_UNSPECIFIED'
  | 0
  /**
   * this node leads the segment (and serves appends, or has sealed it).
   */
  | 'ROLE_LEADER'
  | 1
  /**
   * this node holds a replica and follows the leader.
   */
  | 'ROLE_FOLLOWER'
  | 2

export type SegmentRole__Output = typeof SegmentRole[keyof typeof SegmentRole]
