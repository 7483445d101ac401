// `/metrics` (Prometheus text format) and `/health` routes shared by every service's HTTP server.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  [detail: string]: unknown;
}

export interface ObservabilityOptions {
  registry: Registry;
  health?: () => HealthReport | Promise<HealthReport>;
}

/** A fastify plugin; register it on the service's admin server. */
export async function observabilityPlugin(
  app: FastifyInstance,
  options: ObservabilityOptions,
): Promise<void> {
  // probes and Prometheus need no secret (admin-auth.ts)
  app.get('/metrics', { config: { adminAccess: 'public' } }, async (_request, reply) => {
    reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
  app.get(
    '/health',
    {
      config: { adminAccess: 'public' },
      schema: {
        response: {
          200: { type: 'object', properties: { status: { type: 'string' } }, additionalProperties: true },
          503: { type: 'object', properties: { status: { type: 'string' } }, additionalProperties: true },
        },
      },
    },
    async (_request, reply) => {
      const report = options.health ? await options.health() : { status: 'ok' as const };
      return reply.status(report.status === 'down' ? 503 : 200).send(report);
    },
  );
}
