// Optional bearer-token protection of the admin API: with `[http] admin_token` set, every /api request must carry
// `Authorization: Bearer <token>` or gets 401 {code: 'UNAUTHENTICATED'}. /health and /metrics stay open so probes
// and Prometheus need no secret. Installed on the root instance, so unknown /api paths are covered too.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '@robustmq/common';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function installAdminAuth(app: FastifyInstance, token: string): void {
  if (!token) return;
  // compare digests: equal length whatever the caller sent, so timingSafeEqual leaks nothing about the token
  const expected = digest(token);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (path !== '/api' && !path.startsWith('/api/')) return;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]!), expected)) return;
    reply.header('www-authenticate', 'Bearer realm="robustmq-admin"');
    throw new HttpError(401, 'UNAUTHENTICATED', match ? 'the bearer token is not valid' : 'this API needs an "Authorization: Bearer <token>" header');
  });
}
