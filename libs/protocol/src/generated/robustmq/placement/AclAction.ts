// Original file: proto/placement/mqtt.proto

export const AclAction = {
  ACL_ACTION_UNSPECIFIED: 'ACL_ACTION_UNSPECIFIED',
  PUBLISH: 'PUBLISH',
  SUBSCRIBE: 'SUBSCRIBE',
  /**
   * publish and subscribe.
   */
  ALL: 'ALL',
} as const;

export type AclAction =
  | 'ACL_ACTION_UNSPECIFIED'
  | 0
  | 'PUBLISH'
  | 1
  | 'SUBSCRIBE'
  | 2
  /**
   * publish and subscribe.
   */
  | 'ALL'
  | 3

export type AclAction__Output = typeof AclAction[keyof typeof AclAction]
