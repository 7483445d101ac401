// Creates a service's HTTP admin server the same way everywhere: fastify logging through the service's pino
// logger (no per-request lines), and `{code, message}` errors.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.js';
import { installErrorHandlers } from './errors.js';

export function createHttpServer(logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
  });
  installErrorHandlers(app);
  return app;
}

/** Listens and returns the bound port (port 0 picks a free one). */
export async function listenHttp(app: FastifyInstance, port: number, host: string): Promise<number> {
  await app.listen({ port, host });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
