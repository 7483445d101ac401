// Original file: proto/placement/mqtt.proto


export interface ListBlacklistRequest {
}

export interface ListBlacklistRequest__Output {
}
