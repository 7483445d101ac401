// Serves the built web console (apps/console, a Vite build) at `/` on the placement center's HTTP port: index.html
// and the hashed files under /assets. These files hold no data and are public (like /health): the console asks for
// the admin token and sends it with every API call, which the API checks as always. Pages are hash routes
// (`/#/clients`), so the server needs no fallback route that could shadow an API path.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { HttpError } from '@robustmq/common';
import type { FastifyInstance } from 'fastify';

/** The built console: the installed @robustmq/console workspace's dist/, else apps/console/dist beside this app. */
export function builtConsoleDir(): string {
  try {
    // resolved at run time, not imported: the console is files to serve, not code placement runs (and the console's
    // tests depend on placement, so a package dependency this way would be a cycle)
    const pkg = createRequire(import.meta.url).resolve('@robustmq/console/package.json');
    return join(dirname(pkg), 'dist');
  } catch {
    return fileURLToPath(new URL('../../../console/dist', import.meta.url));
  }
}

export async function consoleStatic(app: FastifyInstance, options: { dir: string }): Promise<void> {
  const root = resolve(options.dir);
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    // serve: false — only the two routes below exist, each declared public on purpose
    await app.register(fastifyStatic, { root, serve: false, index: false, cacheControl: false });
  }
  const notBuilt = () =>
    new HttpError(
      503,
      'UNAVAILABLE',
      `the web console is not built (no ${join(root, 'index.html')}): run \`npm run build\``,
    );
  app.get('/', { config: { adminAccess: 'public' } }, async (_request, reply) => {
    if (!built) throw notBuilt();
    // a page that names every file it loads by hash: never cached, so a new build is picked up at once
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .sendFile('index.html');
  });
  app.get<{ Params: { '*': string } }>(
    '/assets/*',
    { config: { adminAccess: 'public' } },
    async (request, reply) => {
      if (!built) throw notBuilt();
      // @fastify/send refuses `..` and absolute paths, so nothing outside the console's folder is reachable
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .sendFile(join('assets', request.params['*']));
    },
  );
}

/** The console loads nothing from any other origin, and a browser holds it to that. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
