// Original file: proto/placement/mqtt.proto


export interface DeleteUserReply {
}

export interface DeleteUserReply__Output {
}
