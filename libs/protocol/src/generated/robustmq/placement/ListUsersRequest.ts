// Original file: proto/placement/mqtt.proto


export interface ListUsersRequest {
  'startAfter'?: (string);
  'limit'?: (number);
}

export interface ListUsersRequest__Output {
  'startAfter': (string);
  'limit': (number);
}
