// Original file: proto/placement/journal.proto


export interface CommitOffsetReply {
}

export interface CommitOffsetReply__Output {
}
