// Original file: proto/placement/cluster.proto


export interface UnregisterNodeReply {
}

export interface UnregisterNodeReply__Output {
}
