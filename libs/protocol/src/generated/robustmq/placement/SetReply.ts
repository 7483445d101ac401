// Original file: proto/placement/kv.proto


export interface SetReply {
}

export interface SetReply__Output {
}
