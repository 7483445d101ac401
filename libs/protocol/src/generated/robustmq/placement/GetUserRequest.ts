// Original file: proto/placement/mqtt.proto


export interface GetUserRequest {
  'username'?: (string);
}

export interface GetUserRequest__Output {
  'username': (string);
}
