// HTTP authentication (`[auth] chain` entry "http"): each CONNECT's credentials are POSTed as JSON to a service the
// user runs, which answers allow / deny / ignore (the contract is in docs/configuration.md, "HTTP authentication").
// Answers are cached for a while so a reconnect storm does not become a request storm. Fail-closed: a service that
// is down, slow past the timeout or answers outside the contract makes the CONNECT fail as "server unavailable";
// such failures are never cached.
import { createHash } from 'node:crypto';
import {
  parseClientAcl,
  type AuthOutcome,
  type AuthRequest,
  type Authenticator,
  type ClientAcl,
} from './authenticator.js';

export interface HttpAuthOptions {
  url: string;
  timeoutMs: number;
  /** how long an answer is reused for the same credentials; 0 = never. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
}

interface Cached {
  outcome: AuthOutcome;
  until: number;
}

export class HttpAuthenticator implements Authenticator {
  readonly name = 'http';
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly options: HttpAuthOptions) {
    if (!/^https?:\/\//.test(options.url) || !URL.canParse(options.url)) {
      throw new Error(
        `[auth] chain includes "http": set [auth] http_url to the service's http:// or https:// URL (now ${JSON.stringify(options.url)})`,
      );
    }
  }

  async authenticate(request: AuthRequest): Promise<AuthOutcome> {
    const now = Date.now();
    const key = this.options.cacheTtlMs > 0 ? cacheKey(request) : undefined;
    if (key) {
      const hit = this.cache.get(key);
      if (hit && hit.until > now) return hit.outcome;
      if (hit) this.cache.delete(key);
    }
    const outcome = await this.ask(request);
    if (key) {
      const until = Math.min(
        now + this.options.cacheTtlMs,
        outcome.result === 'allow' && outcome.expiresAtMs ? outcome.expiresAtMs : Infinity,
      );
      if (this.cache.size >= this.options.cacheMaxEntries) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { outcome, until });
    }
    return outcome;
  }

  private async ask(request: AuthRequest): Promise<AuthOutcome> {
    const body = JSON.stringify({
      clientId: request.clientId,
      username: request.username ?? '',
      password: request.password?.toString('utf8') ?? '',
      ip: request.ip,
      protocolVersion: request.protocolVersion,
    });
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const why =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : (((err as Error).cause as Error | undefined)?.message ?? (err as Error).message);
      throw new Error(`HTTP auth service ${this.options.url} unavailable: ${why}`);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { result: 'deny', message: 'refused by the HTTP auth service' };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(
        `HTTP auth service ${this.options.url} answered ${response.status} (expected 200 with {"result": ...})`,
      );
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch {
      throw new Error(`HTTP auth service ${this.options.url} answered 200 without a JSON body`);
    }
    return readAnswer(answer, this.options.url);
  }
}

function cacheKey(r: AuthRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([r.clientId, r.username ?? null, r.password?.toString('base64') ?? null, r.ip]))
    .digest('base64');
}

/** The answer contract: {"result": "allow"|"deny"|"ignore", "superuser"?: bool, "acl"?: {...}, "expire_at"?: unix s}. */
function readAnswer(answer: unknown, url: string): AuthOutcome {
  const bad = (why: string) => new Error(`HTTP auth service ${url} answered outside the contract: ${why}`);
  if (answer === null || typeof answer !== 'object') throw bad('not a JSON object');
  const a = answer as Record<string, unknown>;
  if (a['result'] === 'deny') return { result: 'deny', message: 'refused by the HTTP auth service' };
  if (a['result'] === 'ignore') return { result: 'ignore' };
  if (a['result'] !== 'allow') throw bad('"result" must be "allow", "deny" or "ignore"');
  if (a['superuser'] !== undefined && typeof a['superuser'] !== 'boolean')
    throw bad('"superuser" must be a boolean');
  const expireAt = a['expire_at'];
  if (expireAt !== undefined && (typeof expireAt !== 'number' || !Number.isFinite(expireAt)))
    throw bad('"expire_at" must be unix seconds');
  let acl: ClientAcl | undefined;
  if (a['acl'] !== undefined) {
    try {
      acl = parseClientAcl(a['acl'], '"acl"');
    } catch (err) {
      throw bad((err as Error).message);
    }
  }
  return {
    result: 'allow',
    superuser: a['superuser'] === true,
    acl,
    expiresAtMs: typeof expireAt === 'number' ? expireAt * 1000 : undefined,
  };
}
