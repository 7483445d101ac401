// Original file: proto/mqtt/broker-inner.proto


export interface SendLastWillReply {
}

export interface SendLastWillReply__Output {
}
