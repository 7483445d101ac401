// Original file: proto/placement/mqtt.proto


export interface DeleteUserRequest {
  'username'?: (string);
}

export interface DeleteUserRequest__Output {
  'username': (string);
}
