// Original file: proto/placement/mqtt.proto


export interface AuthenticateUserRequest {
  'username'?: (string);
  'password'?: (string);
}

export interface AuthenticateUserRequest__Output {
  'username': (string);
  'password': (string);
}
