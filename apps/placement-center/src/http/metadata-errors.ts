// Turns the metadata services' errors into the admin API's `{code, message}` answers with a fitting HTTP status.
// Anything else is re-thrown to the server's own error handler (fastify hands it to the parent handler).
import type { FastifyInstance } from 'fastify';
import { LEADER_HINT_KEY } from '@robustmq/protocol';
import { MetadataError, type MetadataErrorCode } from '../metadata/metadata-error.js';
import { NotPlacementLeaderError } from '../state/proposer.js';
import { RetryableError } from '../state/raft-proposer.js';

const HTTP_STATUS: Record<MetadataErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 400,
};

export function installMetadataErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof MetadataError)
      return reply.status(HTTP_STATUS[error.code]).send({ code: error.code, message: error.message });
    if (error instanceof NotPlacementLeaderError) {
      if (error.leader.leaderAddress) void reply.header(LEADER_HINT_KEY, error.leader.leaderAddress);
      return reply.status(503).send({ code: 'NOT_LEADER', message: error.message });
    }
    if (error instanceof RetryableError)
      return reply.status(503).send({ code: 'UNAVAILABLE', message: error.message });
    throw error;
  });
}
