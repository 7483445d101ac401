// The journal server's inner gRPC service (proto/journal/inner.proto, port 2228), over the JournalNode: placement's
// leader asks how far this node's copy of a segment reaches, tells it to lead a segment at the epoch placement
// committed, and tells it a segment's metadata changed. Bad input → INVALID_ARGUMENT naming the field; journal
// errors → the gRPC status a caller can act on.
import * as grpc from '@grpc/grpc-js';
import { grpcError, unaryHandler, type JournalInnerServiceHandlers } from '@robustmq/protocol';
import { JournalError, type JournalErrorCode } from '@robustmq/protocol/journal';
import type { JournalNode } from '../replication/journal-node.js';

class InvalidArgument extends Error {}

const STATUS: Partial<Record<JournalErrorCode, grpc.status>> = {
  BAD_REQUEST: grpc.status.INVALID_ARGUMENT,
  SHARD_NOT_FOUND: grpc.status.NOT_FOUND,
  SEGMENT_NOT_FOUND: grpc.status.NOT_FOUND,
  NOT_LEADER: grpc.status.FAILED_PRECONDITION,
  FENCED: grpc.status.FAILED_PRECONDITION,
  SEGMENT_SEALED: grpc.status.FAILED_PRECONDITION,
  NOT_ENOUGH_REPLICAS: grpc.status.UNAVAILABLE,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  CLOSED: grpc.status.UNAVAILABLE,
};

function unary<Req, Res>(handler: (request: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return unaryHandler(handler, (err) => {
    if (err instanceof InvalidArgument) return grpcError(grpc.status.INVALID_ARGUMENT, err.message);
    if (err instanceof JournalError)
      return grpcError(STATUS[err.code] ?? grpc.status.INTERNAL, `${err.code}: ${err.message}`);
    return undefined;
  });
}

/** namespace and shard name are path segments on disk: no '/', whitespace or control characters. */
function name(field: string, value: string): string {
  if (!value) throw new InvalidArgument(`${field} must not be empty`);
  if (value.length > 256) throw new InvalidArgument(`${field} is longer than 256 characters`);
  // eslint-disable-next-line no-control-regex
  if (/[/\s\x00-\x1f\x7f]/.test(value) || value === '.' || value === '..')
    throw new InvalidArgument(
      `${field} must not contain '/', whitespace or control characters, got "${value}"`,
    );
  return value;
}

function segmentRef(request: {
  namespace: string;
  shardName: string;
  segmentSeq: number;
}): [string, string, number] {
  if (!Number.isSafeInteger(request.segmentSeq) || request.segmentSeq < 0)
    throw new InvalidArgument(`segment_seq must be an integer >= 0, got ${request.segmentSeq}`);
  return [name('namespace', request.namespace), name('shard_name', request.shardName), request.segmentSeq];
}

export function innerServiceHandlers(node: JournalNode): JournalInnerServiceHandlers {
  return {
    GetSegmentState: unary((request) => {
      const s = node.segmentState(...segmentRef(request));
      return {
        role: s.leading ? 'ROLE_LEADER' : 'ROLE_FOLLOWER',
        startOffset: s.startOffset,
        durableEndOffset: s.durableEnd,
        epoch: s.epoch,
        lastEpoch: s.lastEpoch,
        sealedEndOffset: s.sealedEnd ?? -1,
        highWatermark: s.hw ?? -1,
      };
    }),
    ActivateSegmentLeader: unary(async (request) => {
      const ref = segmentRef(request);
      if (!Number.isSafeInteger(request.epoch) || request.epoch <= 0)
        throw new InvalidArgument(`epoch must be a positive integer, got ${request.epoch}`);
      const leader = await node.activateAt(...ref, request.epoch);
      return { highWatermark: leader.hw, durableEndOffset: leader.seg.durableEnd };
    }),
    UpdateCache: unary(async (request) => {
      const meta = await node.refreshSegment(...segmentRef(request));
      return { leader: meta.leader, epoch: meta.epoch, status: meta.status };
    }),
  };
}
