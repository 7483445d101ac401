// Original file: proto/raft.proto


export interface SendReply {
}

export interface SendReply__Output {
}
