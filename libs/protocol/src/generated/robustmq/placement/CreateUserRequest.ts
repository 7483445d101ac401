// Original file: proto/placement/mqtt.proto


export interface CreateUserRequest {
  'username'?: (string);
  'password'?: (string);
  'superuser'?: (boolean);
}

export interface CreateUserRequest__Output {
  'username': (string);
  'password': (string);
  'superuser': (boolean);
}
