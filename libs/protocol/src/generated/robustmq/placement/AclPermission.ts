// Original file: proto/placement/mqtt.proto

export const AclPermission = {
  ACL_PERMISSION_UNSPECIFIED: 'ACL_PERMISSION_UNSPECIFIED',
  ALLOW: 'ALLOW',
  DENY: 'DENY',
} as const;

export type AclPermission =
  | 'ACL_PERMISSION_UNSPECIFIED'
  | 0
  | 'ALLOW'
  | 1
  | 'DENY'
  | 2

export type AclPermission__Output = typeof AclPermission[keyof typeof AclPermission]
