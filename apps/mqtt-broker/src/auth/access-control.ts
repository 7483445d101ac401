// Decides who may connect and what they may publish or subscribe to: credentials through the authenticator chain
// (`[auth] chain`: the AuthStorageAdapter's passwords, JWT, HTTP — see authenticator.ts), the blacklist (client id, user, IP, CIDR; with expiry) and ACL rules (first matching rule by
// priority wins; `%u` / `%c` in a rule's topic filter stand for the client's username and client id). ACL rules and
// the blacklist are cached and refreshed on an interval, so a connection check costs no round trip. A client whose
// authenticator handed out an ACL of its own (a JWT's acl claim) is checked against that instead of the rules.
import {
  findAclRule,
  ipInRange,
  keepFresh,
  normaliseIp,
  sortAclRules,
  type KeptFresh,
  type Logger,
} from '@robustmq/common';
import type { AclRule, AuthStorageAdapter, BlacklistEntry } from './auth-storage-adapter.js';
import { clientAclAllows, runChain, type Authenticator, type ClientAcl } from './authenticator.js';

export interface AccessControlOptions {
  allowAnonymous: boolean;
  /** what happens when no ACL rule matches */
  aclDefault: 'allow' | 'deny';
  refreshIntervalMs: number;
  logger: Logger;
}

export interface ClientIdentity {
  clientId: string;
  username?: string;
  ip: string;
  superuser: boolean;
  /** the authenticator's grant, replacing the ACL rules for this client. */
  acl?: ClientAcl | undefined;
}

export type ConnectVerdict =
  | {
      ok: true;
      superuser: boolean;
      /** the client's user name from now on (a JWT's claim may name it), undefined = anonymous. */
      username: string | undefined;
      acl?: ClientAcl | undefined;
      /** when the credentials expire (ms since the epoch): the connection is closed then. */
      expiresAtMs?: number | undefined;
    }
  | { ok: false; reason: 'bad-credentials' | 'not-authorized' | 'banned'; message?: string };

export { normaliseIp };

export class AccessControl {
  private rules: AclRule[] = [];
  private blacklist: BlacklistEntry[] = [];
  private refreshing: KeptFresh | undefined;
  private loaded = false;

  constructor(
    private readonly storage: AuthStorageAdapter,
    /** `[auth] chain`, in order. */
    private readonly chain: readonly Authenticator[],
    private readonly options: AccessControlOptions,
  ) {}

  /** Loads the rules once (start-up fails if placement cannot be reached) and keeps them fresh. */
  async start(): Promise<void> {
    this.refreshing = await keepFresh(() => this.refresh(), this.options, 'ACL and blacklist');
  }

  async refresh(): Promise<void> {
    const [rules, blacklist] = await Promise.all([this.storage.listAcl(), this.storage.listBlacklist()]);
    this.rules = sortAclRules(rules);
    this.blacklist = blacklist;
    this.loaded = true;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  isBanned(identity: { clientId: string; username?: string; ip: string }, now = Date.now()): boolean {
    const ip = normaliseIp(identity.ip);
    return this.blacklist.some((e) => {
      if (e.expiresAtMs !== 0 && e.expiresAtMs <= now) return false;
      switch (e.type) {
        case 'BLACKLIST_CLIENT_ID':
          return e.value === identity.clientId;
        case 'BLACKLIST_USER':
          return identity.username !== undefined && e.value === identity.username;
        case 'BLACKLIST_IP':
        case 'BLACKLIST_CIDR':
          return ipInRange(ip, e.value);
      }
    });
  }

  /** Checks a CONNECT: banned first, then the credentials through the chain (or anonymity when allowed). Throws when
   * an authenticator cannot answer (the caller refuses the client as "server unavailable"). */
  async authorizeConnect(identity: {
    clientId: string;
    username?: string;
    password?: Buffer;
    ip: string;
    protocolVersion?: number;
  }): Promise<ConnectVerdict> {
    if (this.isBanned(identity)) return { ok: false, reason: 'banned' };
    const username = identity.username === '' ? undefined : identity.username;
    const anonymous: ConnectVerdict = this.options.allowAnonymous
      ? { ok: true, superuser: false, username: undefined }
      : { ok: false, reason: 'not-authorized' };
    if (username === undefined && (identity.password === undefined || identity.password.length === 0))
      return anonymous;
    const outcome = await runChain(this.chain, {
      clientId: identity.clientId,
      username,
      password: identity.password,
      ip: identity.ip,
      protocolVersion: identity.protocolVersion ?? 4,
    });
    if (outcome.result === 'deny') return { ok: false, reason: 'bad-credentials', message: outcome.message };
    // nobody vouched for the credentials: a named client is refused, a nameless one is anonymous
    if (outcome.result === 'ignore')
      return username === undefined ? anonymous : { ok: false, reason: 'bad-credentials' };
    if (outcome.expiresAtMs !== undefined && outcome.expiresAtMs <= Date.now())
      return { ok: false, reason: 'bad-credentials', message: 'credentials expired' };
    const who = 'username' in outcome ? outcome.username : username;
    if (who !== username && who !== undefined && this.isBanned({ ...identity, username: who }))
      return { ok: false, reason: 'banned' };
    return {
      ok: true,
      superuser: outcome.superuser,
      username: who,
      acl: outcome.acl,
      expiresAtMs: outcome.expiresAtMs,
    };
  }

  /** Whether the client may publish to `topic` (action 'publish') or subscribe to `filter` (action 'subscribe'). */
  allows(identity: ClientIdentity, action: 'publish' | 'subscribe', topic: string): boolean {
    if (identity.superuser) return true;
    if (identity.acl) return clientAclAllows(identity.acl, identity, action, topic);
    const rule = findAclRule(this.rules, identity, action, topic);
    if (rule) return rule.permission === 'ALLOW';
    return this.options.aclDefault === 'allow';
  }

  close(): void {
    this.refreshing?.stop();
    for (const a of this.chain) a.close?.();
  }
}
