// Original file: proto/placement/common.proto


export interface Empty {
}

export interface Empty__Output {
}
