// The ways a CONNECT's credentials can be checked (`[auth] chain`): the auth storage's passwords, JWTs, an HTTP
// service. Each authenticator answers allow, deny or ignore ("not mine": a password that is no JWT, an unknown user);
// the chain asks them in the configured order and the first allow or deny decides, as EMQX's authentication chain
// does. An authenticator that cannot answer (its HTTP service is down) throws, and the CONNECT is refused as
// "server unavailable" — never let through (fail-closed).
import { topicMatches } from '../routing/topic-match.js';

/** The names `[auth] chain` accepts. */
export const AUTHENTICATOR_TYPES = ['storage', 'jwt', 'http'] as const;
export type AuthenticatorType = (typeof AUTHENTICATOR_TYPES)[number];

export interface AuthRequest {
  clientId: string;
  /** undefined when the CONNECT carries none (or an empty one). */
  username: string | undefined;
  password: Buffer | undefined;
  ip: string;
  /** 3, 4 or 5. */
  protocolVersion: number;
}

/**
 * Per-client topic permissions an authenticator hands out with an allow (a JWT's `acl` claim, the HTTP service's
 * `acl`): topic filters the client may publish to, subscribe to, or both. When present they are the client's whole
 * ACL: anything they do not cover is denied. `%u` and `%c` stand for the username and client id.
 */
export interface ClientAcl {
  pub: string[];
  sub: string[];
  all: string[];
}

export type AuthOutcome =
  | {
      result: 'allow';
      superuser: boolean;
      /** the identity to use from now on (a JWT's username claim), when the authenticator knows it. */
      username?: string | undefined;
      acl?: ClientAcl | undefined;
      /** ms since the epoch at which the connection must end (a JWT's `exp`). */
      expiresAtMs?: number | undefined;
    }
  | { result: 'deny'; message: string }
  | { result: 'ignore' };

export interface Authenticator {
  /** the name in `[auth] chain`, for logs. */
  readonly name: string;
  authenticate(request: AuthRequest): Promise<AuthOutcome>;
  close?(): void;
}

/** Asks each authenticator in order; the first that does not ignore decides. All ignoring → ignore. */
export async function runChain(chain: readonly Authenticator[], request: AuthRequest): Promise<AuthOutcome> {
  for (const authenticator of chain) {
    const outcome = await authenticator.authenticate(request);
    if (outcome.result !== 'ignore') return outcome;
  }
  return { result: 'ignore' };
}

/** Reads an `acl` value (`{"pub": [...], "sub": [...], "all": [...]}`) from a token or an HTTP answer; anything
 * else is an error the caller turns into a deny (a malformed grant is never read as "everything"). */
export function parseClientAcl(value: unknown, where: string): ClientAcl {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where} must be an object like {"pub": ["a/#"], "sub": ["b/+"], "all": []}`);
  }
  const acl: ClientAcl = { pub: [], sub: [], all: [] };
  for (const [key, filters] of Object.entries(value)) {
    if (key !== 'pub' && key !== 'sub' && key !== 'all')
      throw new Error(`${where} has an unknown key "${key}" (valid: pub, sub, all)`);
    if (!Array.isArray(filters) || !filters.every((f) => typeof f === 'string' && f.length > 0)) {
      throw new Error(`${where}.${key} must be a list of topic filters`);
    }
    acl[key] = filters as string[];
  }
  return acl;
}

/** Whether a client ACL lets `identity` publish to `topic` / subscribe to the filter `topic`. */
export function clientAclAllows(
  acl: ClientAcl,
  identity: { clientId: string; username?: string | undefined },
  action: 'publish' | 'subscribe',
  topic: string,
): boolean {
  const filters = [...(action === 'publish' ? acl.pub : acl.sub), ...acl.all];
  return filters.some((raw) => {
    const filter = raw.replaceAll('%u', identity.username ?? '').replaceAll('%c', identity.clientId);
    return filter === topic || topicMatches(filter, topic);
  });
}
