// Original file: proto/mqtt/broker-inner.proto


export interface DeleteSessionRequest {
  'clientId'?: (string);
}

export interface DeleteSessionRequest__Output {
  'clientId': (string);
}
