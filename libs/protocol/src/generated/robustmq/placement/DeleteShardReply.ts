// Original file: proto/placement/journal.proto


export interface DeleteShardReply {
}

export interface DeleteShardReply__Output {
}
