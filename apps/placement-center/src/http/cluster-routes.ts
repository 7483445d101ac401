// GET /api/v1/cluster: the placement group's members, leader, term and log indexes.
import type { FastifyInstance } from 'fastify';
import type { ClusterStatusSource } from '../cluster/cluster-status.js';

const memberSchema = {
  type: 'object',
  properties: {
    nodeId: { type: 'integer' },
    grpcAddress: { type: 'string' },
    role: { type: 'string' },
    matchIndex: { type: 'integer' },
    lag: { type: 'integer' },
    self: { type: 'boolean' },
    lastContactMs: { type: ['integer', 'null'] },
    reachable: { type: ['boolean', 'null'] },
  },
} as const;

export async function clusterRoutes(app: FastifyInstance, deps: { status: ClusterStatusSource }) {
  app.get(
    '/api/v1/cluster',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              clusterName: { type: 'string' },
              leader: { type: 'integer' },
              term: { type: 'integer' },
              commitIndex: { type: 'integer' },
              appliedIndex: { type: 'integer' },
              snapshotIndex: { type: 'integer' },
              members: { type: 'array', items: memberSchema },
            },
          },
        },
      },
    },
    async () => deps.status(),
  );
}
