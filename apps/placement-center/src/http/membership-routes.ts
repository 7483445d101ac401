// Run-time membership of the placement Raft group: add a voter or learner, remove a member, transfer leadership.
// Only the leader changes membership; a follower answers 503 NOT_LEADER naming the leader.
import type { FastifyInstance } from 'fastify';
import { errorResponseSchema, json } from '@robustmq/common';
import { ConfChangeRejectedError } from '@robustmq/raft';
import type { RaftNode } from '@robustmq/raft/node';
import { NotPlacementLeaderError, type Proposer } from '../state/proposer.js';
import { RetryableError } from '../state/raft-proposer.js';
import { installMetadataErrors } from './metadata-errors.js';
import { MetadataError } from '../metadata/metadata-error.js';

const okSchema = json.object({ ok: json.boolean }, 'all');

export async function membershipRoutes(app: FastifyInstance, deps: { node: RaftNode; proposer: Proposer }) {
  installMetadataErrors(app);
  const requireLeader = () => {
    const leader = deps.proposer.leader();
    if (!leader.isLeader) throw new NotPlacementLeaderError(leader);
  };
  const change = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      if (err instanceof ConfChangeRejectedError) {
        if (err.reason === 'invalid') throw new MetadataError('INVALID_ARGUMENT', err.message);
        throw new RetryableError(err.message);
      }
      throw err;
    }
  };

  app.post(
    '/api/v1/cluster/members',
    {
      schema: {
        body: json.closed(
          {
            nodeId: { type: 'integer', minimum: 1 },
            address: { type: 'string', pattern: '^[^\\s:]+:\\d{1,5}$' },
            learner: { type: 'boolean', default: false },
          },
          ['learner'],
        ),
        response: { 200: okSchema, 400: errorResponseSchema, 503: errorResponseSchema },
      },
    },
    async (request) => {
      requireLeader();
      const body = request.body as { nodeId: number; address: string; learner: boolean };
      // RaftNode replicates the address before the membership change, so every member can reach the new one
      await change(() =>
        body.learner
          ? deps.node.addLearner(body.nodeId, body.address)
          : deps.node.addVoter(body.nodeId, body.address),
      );
      return { ok: true };
    },
  );

  /** A change to the member named in the path, made on the leader. */
  const memberRoute = (method: 'POST' | 'DELETE', url: string, act: (nodeId: number) => Promise<void>) =>
    app.route({
      method,
      url,
      schema: {
        params: json.object({ nodeId: { type: 'integer', minimum: 1 } }, 'all'),
        response: { 200: okSchema },
      },
      handler: async (request) => {
        requireLeader();
        const { nodeId } = request.params as { nodeId: number };
        await change(() => act(nodeId));
        return { ok: true };
      },
    });
  memberRoute('POST', '/api/v1/cluster/members/:nodeId/promote', (nodeId) =>
    deps.node.promoteLearner(nodeId),
  );
  memberRoute('DELETE', '/api/v1/cluster/members/:nodeId', (nodeId) => deps.node.removeMember(nodeId));

  app.post(
    '/api/v1/cluster/leader',
    {
      schema: {
        body: json.closed({ nodeId: { type: 'integer', minimum: 1 } }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      requireLeader();
      const { nodeId } = request.body as { nodeId: number };
      const member = deps.node.status().members.find((m) => m.id === nodeId);
      if (!member || member.role !== 'voter')
        throw new MetadataError('INVALID_ARGUMENT', `node ${nodeId} is not a voter`);
      await change(() => deps.node.transferLeadership(nodeId, { timeoutMs: 5_000 }));
      return { ok: true };
    },
  );
}
