// Original file: proto/placement/mqtt.proto


export interface DeleteBlacklistEntryReply {
}

export interface DeleteBlacklistEntryReply__Output {
}
