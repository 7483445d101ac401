// Original file: proto/placement/journal.proto

export const SegmentStatus = {
  SEGMENT_STATUS_UNSPECIFIED: 'SEGMENT_STATUS_UNSPECIFIED',
  SEGMENT_WRITE: 'SEGMENT_WRITE',
  SEGMENT_SEALED: 'SEGMENT_SEALED',
  SEGMENT_DELETING: 'SEGMENT_DELETING',
} as const;

export type SegmentStatus =
  | 'SEGMENT_STATUS_UNSPECIFIED'
  | 0
  | 'SEGMENT_WRITE'
  | 1
  | 'SEGMENT_SEALED'
  | 2
  | 'SEGMENT_DELETING'
  | 3

export type SegmentStatus__Output = typeof SegmentStatus[keyof typeof SegmentStatus]
