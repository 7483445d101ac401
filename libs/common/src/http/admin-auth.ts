// Bearer-token protection of a service's HTTP admin API, the same on every service (placement 1227, journal 2227,
// broker 9982). The decision is taken on the route the router matched — never on the request's URL text, which an
// attacker can spell many ways the router still accepts (`/%61pi/...`, absolute-form targets, dot segments) — and is
// deny-by-default: every route needs a token unless it was registered with `config: { adminAccess: 'public' }`
// (only /health and /metrics are). A request that matches no route is a 404 for everyone, token or not.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConfigError } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { isLoopbackHost } from '../net/listen.js';
import { HttpError } from './errors.js';

/** Who may call a route: anyone (probes, Prometheus) or holders of an admin token. */
export type AdminAccess = 'public' | 'token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** absent = 'token' (deny by default). */
    adminAccess?: AdminAccess;
  }
}

const tokenText = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .regex(
      /^[\x21-\x7e]+$/,
      'must be printable ASCII without spaces (it travels in an Authorization header)',
    );

/** The keys spread into each service's `[http]` section. */
export const adminAuthKeys = () => ({
  /** one full-access admin token (kept for compatibility; adds to admin_tokens). Empty = none. */
  admin_token: z.string().default(''),
  /** full-access admin tokens; several so one can be rotated without downtime. */
  admin_tokens: z.array(tokenText()).default([]),
  /** tokens that may only read (GET/HEAD); any other method with one of them is 403. */
  admin_read_tokens: z.array(tokenText()).default([]),
});

export interface AdminAuthConfig {
  admin_token: string;
  admin_tokens: string[];
  admin_read_tokens: string[];
}

export interface AdminTokens {
  /** may call every route. */
  full: string[];
  /** may call GET and HEAD routes only. */
  read: string[];
}

/** The tokens in effect, checked (a token in both lists is a mistake worth stopping for). */
export function adminTokens(http: AdminAuthConfig): AdminTokens {
  const full = [...new Set([...(http.admin_token ? [http.admin_token] : []), ...http.admin_tokens])];
  const read = [...new Set(http.admin_read_tokens)];
  if (http.admin_token && !tokenText().safeParse(http.admin_token).success) {
    throw new ConfigError(
      'invalid configuration:\n  http.admin_token: must be printable ASCII without spaces',
    );
  }
  if (read.some((token) => full.includes(token))) {
    throw new ConfigError(
      'invalid configuration:\n  http.admin_read_tokens: a token is also a full admin token; list it once',
    );
  }
  return { full, read };
}

export function adminAuthEnabled(tokens: AdminTokens): boolean {
  return tokens.full.length + tokens.read.length > 0;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares against every token, always all of them: SHA-256 digests have one length whatever the caller sent, so
 * timingSafeEqual tells nothing about a token's length or prefix, and the loop tells nothing about which matched. */
function matchesAny(candidate: Buffer, tokens: Buffer[]): boolean {
  let found = false;
  for (const token of tokens) found = timingSafeEqual(candidate, token) || found;
  return found;
}

const READ_METHODS = new Set(['GET', 'HEAD']);
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/** A route as the router registered it, for listings and the test that walks every route. */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: AdminAccess;
}

export interface AdminAuth {
  /** every route registered after install, with who may call it. */
  readonly routes: readonly RegisteredRoute[];
  readonly enabled: boolean;
}

/**
 * Installs the check as the first onRequest hook of the root instance (so it runs before any other hook, body
 * parsing or validation) and records every route as it is registered. Call before registering routes.
 */
export function installAdminAuth(app: FastifyInstance, tokens: AdminTokens): AdminAuth {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const access = route.config?.adminAccess ?? 'token';
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, access });
  });
  const enabled = adminAuthEnabled(tokens);
  if (enabled) {
    const full = tokens.full.map(digest);
    const read = tokens.read.map(digest);
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      // no route matched: the 404 handler answers, and it reveals nothing a token would protect
      if (request.is404) return;
      if ((request.routeOptions.config.adminAccess ?? 'token') === 'public') return;
      const match = BEARER.exec(request.headers.authorization ?? '');
      if (match) {
        const candidate = digest(match[1]!);
        if (matchesAny(candidate, full)) return;
        if (matchesAny(candidate, read)) {
          if (READ_METHODS.has(request.method)) return;
          throw new HttpError(
            403,
            'PERMISSION_DENIED',
            `a read-only admin token may not ${request.method}; use a full admin token`,
          );
        }
      }
      reply.header('www-authenticate', 'Bearer realm="robustmq-admin"');
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        match
          ? 'the bearer token is not valid'
          : 'this API needs an "Authorization: Bearer <admin token>" header',
      );
    });
  }
  return { routes, enabled };
}

/** Warns when an admin API with no token listens where others may reach it. */
export function warnIfAdminApiOpen(
  logger: Logger,
  auth: AdminAuth,
  host: string,
  port: number,
  what: string,
): void {
  if (auth.enabled || isLoopbackHost(host)) return;
  logger.warn(
    { host, port },
    `${what} HTTP admin API (port ${port}): open to anyone who can reach it (no admin token): set [http] admin_tokens (env ROBUSTMQ_HTTP_ADMIN_TOKENS), or bind it to a loopback or private address`,
  );
}
