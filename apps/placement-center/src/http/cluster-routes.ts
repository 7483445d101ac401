// GET /api/v1/cluster: the placement group's members, leader, term and log indexes.
import type { FastifyInstance } from 'fastify';
import { json } from '@robustmq/common';
import type { ClusterStatusSource } from '../cluster/cluster-status.js';

const memberSchema = json.object(
  {
    nodeId: json.integer,
    grpcAddress: json.string,
    role: json.string,
    matchIndex: json.integer,
    lag: json.integer,
    self: json.boolean,
    lastContactMs: { type: ['integer', 'null'] },
    reachable: { type: ['boolean', 'null'] },
  },
  'all',
);

export async function clusterRoutes(app: FastifyInstance, deps: { status: ClusterStatusSource }) {
  app.get(
    '/api/v1/cluster',
    {
      schema: {
        response: {
          200: json.object(
            {
              clusterName: json.string,
              leader: json.integer,
              term: json.integer,
              commitIndex: json.integer,
              appliedIndex: json.integer,
              snapshotIndex: json.integer,
              members: json.array(memberSchema),
            },
            'all',
          ),
        },
      },
    },
    async () => deps.status(),
  );
}
