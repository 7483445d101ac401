// Creates a service's HTTP admin server the same way everywhere: fastify logging through the service's pino
// logger (no per-request lines), `{code, message}` errors, and the admin-token check (admin-auth.ts) installed before
// any route so that every route is covered and listed.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.js';
import { installAdminAuth, type AdminAuth, type AdminTokens } from './admin-auth.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandlers } from './errors.js';

export interface AdminHttpServer {
  app: FastifyInstance;
  /** the routes registered on `app` and who may call them; the auth check in effect. */
  auth: AdminAuth;
}

export interface AdminHttpOptions {
  /** admin tokens (see adminTokens()); none = the API is open. */
  tokens: AdminTokens;
}

export function createHttpServer(logger: Logger, options: AdminHttpOptions): AdminHttpServer {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  installErrorHandlers(app);
  const auth = installAdminAuth(app, options.tokens);
  return { app, auth };
}

/** Listens and returns the bound port (port 0 picks a free one). */
export async function listenHttp(app: FastifyInstance, port: number, host: string): Promise<number> {
  await app.listen({ port, host });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
