// Creates a service's HTTP admin server the same way everywhere: fastify logging through the service's pino
// logger (no per-request lines), `{code, message}` errors, the admin-token check (admin-auth.ts) installed before any
// route so that every route is covered and listed, and limits that keep a flood of idle sockets from taking the
// process's file descriptors: a connection cap (default from the fd limit) and short idle timeouts; and /metrics and
// /health (observability.ts), which every service serves.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LimitReporter } from '../limits/limit-reporter.js';
import type { Logger } from '../log/logger.js';
import { fdBudget } from '../net/fd-budget.js';
import { installAdminAuth, type AdminAuth, type AdminTokens } from './admin-auth.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandlers } from './errors.js';
import { observabilityPlugin, type ObservabilityOptions } from './observability.js';

/** The limit keys spread into each service's `[http]` section (next to adminAuthKeys()). */
export const adminHttpLimitKeys = () => ({
  /** sockets open at once at most; more are closed on accept (and counted). 0 = derived from the fd limit. */
  max_connections: z.number().int().min(0, 'must be >= 0 (0 = derived from the open-file limit)').default(0),
  /** a socket that sends nothing for this long is closed (also an idle keep-alive connection between requests). */
  idle_timeout_ms: z.number().int().positive('must be a positive number of milliseconds').default(10_000),
  /** a request that has not fully arrived after this long is answered 408 and its socket closed. */
  request_timeout_ms: z.number().int().positive('must be a positive number of milliseconds').default(30_000),
});

export interface AdminHttpLimitConfig {
  max_connections: number;
  idle_timeout_ms: number;
  request_timeout_ms: number;
}

export interface AdminHttpServer {
  app: FastifyInstance;
  /** the routes registered on `app` and who may call them; the auth check in effect. */
  auth: AdminAuth;
  /** the connection cap in force. */
  maxConnections: number;
}

export interface AdminHttpOptions {
  /** admin tokens (see adminTokens()); none = the API is open. */
  tokens: AdminTokens;
  /** `[http]` limits; absent = the defaults. */
  limits?: AdminHttpLimitConfig;
  /** counts and logs sockets refused over the cap. */
  reporter?: LimitReporter;
  /** the service's metrics registry and health report, served (public) as /metrics and /health. */
  observability: ObservabilityOptions;
}

export function createHttpServer(logger: Logger, options: AdminHttpOptions): AdminHttpServer {
  const limits = options.limits ?? {
    max_connections: 0,
    idle_timeout_ms: 10_000,
    request_timeout_ms: 30_000,
  };
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // node's defaults keep an idle keep-alive socket 72 s and a silent one forever
    connectionTimeout: limits.idle_timeout_ms,
    keepAliveTimeout: limits.idle_timeout_ms,
    requestTimeout: limits.request_timeout_ms,
  });
  installErrorHandlers(app);
  const auth = installAdminAuth(app, options.tokens);
  const maxConnections = limits.max_connections || fdBudget().adminHttpConnections;
  // node accepts a socket over the cap and closes it at once ('drop'), so the descriptor is freed right away
  app.server.maxConnections = maxConnections;
  app.server.on('drop', (data?: { remoteAddress?: string }) =>
    options.reporter?.hit('connection_cap', 'http', data?.remoteAddress),
  );
  // registered ahead of the service's own routes (fastify loads plugins in order when it starts listening)
  void app.register(observabilityPlugin, options.observability);
  return { app, auth, maxConnections };
}

/** Listens and returns the bound port (port 0 picks a free one). */
export async function listenHttp(app: FastifyInstance, port: number, host: string): Promise<number> {
  await app.listen({ port, host });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
