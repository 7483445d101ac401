// Original file: proto/placement/cluster.proto


export interface HeartbeatReply {
}

export interface HeartbeatReply__Output {
}
