// Original file: proto/placement/mqtt.proto


export interface DeleteResourceReply {
}

export interface DeleteResourceReply__Output {
}
