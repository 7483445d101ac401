// @robustmq/raft/transport: the gRPC RaftTransport (batched, per-peer ordered streams) and the protobuf mapping of
// core messages it uses.
export { GrpcRaftTransport, type GrpcRaftTransportOptions } from './grpc-transport.js';
export { messageFromProto, messageToProto, MessageDecodeError } from './message-codec.js';
