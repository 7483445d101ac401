// Original file: proto/placement/mqtt.proto

export const AclSubjectType = {
  ACL_SUBJECT_UNSPECIFIED: 'ACL_SUBJECT_UNSPECIFIED',
  /**
   * subject_value is a username.
   */
  SUBJECT_USER: 'SUBJECT_USER',
  /**
   * subject_value is a client id.
   */
  SUBJECT_CLIENT_ID: 'SUBJECT_CLIENT_ID',
  /**
   * subject_value is an IP address or a CIDR block (IPv4 or IPv6).
   */
  SUBJECT_IP: 'SUBJECT_IP',
  /**
   * every client; subject_value must be empty.
   */
  SUBJECT_ALL: 'SUBJECT_ALL',
} as const;

export type AclSubjectType =
  | 'ACL_SUBJECT_UNSPECIFIED'
  | 0
  /**
   * subject_value is a username.
   */
  | 'SUBJECT_USER'
  | 1
  /**
   * subject_value is a client id.
   */
  | 'SUBJECT_CLIENT_ID'
  | 2
  /**
   * subject_value is an IP address or a CIDR block (IPv4 or IPv6).
   */
  | 'SUBJECT_IP'
  | 3
  /**
   * every client; subject_value must be empty.
   */
  | 'SUBJECT_ALL'
  | 4

export type AclSubjectType__Output = typeof AclSubjectType[keyof typeof AclSubjectType]
