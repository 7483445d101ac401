// JWT authentication (`[auth] chain` entry "jwt"): the client sends a signed token as its password (or username),
// verified with an HMAC secret, a PEM public key (RSA, EC, Ed25519) or a JWKS file by `jose`. Claims map to the
// client's identity: a username claim, a superuser flag and an ACL (see ClientAcl); `exp` is enforced at CONNECT and
// again while connected — the connection is closed when the token expires. A password that is not JWT-shaped is
// not this authenticator's business (ignore), so passwords and tokens can share one chain.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import {
  parseClientAcl,
  type AuthOutcome,
  type AuthRequest,
  type Authenticator,
  type ClientAcl,
} from './authenticator.js';

export interface JwtAuthOptions {
  /** HMAC secret (HS256/384/512). */
  secret: string;
  /** PEM public key file (RS*, PS*, ES*, EdDSA by the key's type). */
  publicKeyFile: string;
  /** JWKS file ({"keys": [...]}); the token's `kid` picks the key. */
  jwksFile: string;
  /** which CONNECT field carries the token. */
  from: 'password' | 'username';
  usernameClaim: string;
  superuserClaim: string;
  aclClaim: string;
  /** required `iss` / `aud` when not empty. */
  issuer: string;
  audience: string;
}

/** Three base64url parts: a JWS in compact form (anything else is no token). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

type VerifyKey = Uint8Array | KeyObject | JWTVerifyGetKey;

function algorithmsFor(key: KeyObject, file: string): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec':
      return ['ES256', 'ES384', 'ES512'];
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      throw new Error(
        `[auth] jwt_public_key_file ${file}: unsupported key type ${String(key.asymmetricKeyType)} (use RSA, EC or Ed25519)`,
      );
  }
}

export class JwtAuthenticator implements Authenticator {
  readonly name = 'jwt';
  private readonly key: VerifyKey;
  private readonly algorithms: string[] | undefined;

  /** Reads the key now: a missing or unreadable key is a start-up error naming the key to fix. */
  constructor(private readonly options: JwtAuthOptions) {
    const set = [
      options.secret && 'jwt_secret',
      options.publicKeyFile && 'jwt_public_key_file',
      options.jwksFile && 'jwt_jwks_file',
    ].filter(Boolean);
    if (set.length !== 1) {
      throw new Error(
        `[auth] chain includes "jwt": set exactly one of jwt_secret, jwt_public_key_file, jwt_jwks_file (${set.length === 0 ? 'none is set' : `${set.join(' and ')} are set`})`,
      );
    }
    if (options.secret) {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256', 'HS384', 'HS512'];
    } else if (options.publicKeyFile) {
      let key: KeyObject;
      try {
        key = createPublicKey(readFileSync(options.publicKeyFile));
      } catch (err) {
        throw new Error(`[auth] jwt_public_key_file ${options.publicKeyFile}: ${(err as Error).message}`);
      }
      this.key = key;
      this.algorithms = algorithmsFor(key, options.publicKeyFile);
    } else {
      let jwks: JSONWebKeySet;
      try {
        jwks = JSON.parse(readFileSync(options.jwksFile, 'utf8')) as JSONWebKeySet;
        if (!Array.isArray(jwks.keys)) throw new Error('no "keys" array');
      } catch (err) {
        throw new Error(`[auth] jwt_jwks_file ${options.jwksFile}: ${(err as Error).message}`);
      }
      this.key = createLocalJWKSet(jwks);
      // jose takes each key's algorithm from the JWK and never accepts "none"
      this.algorithms = undefined;
    }
  }

  async authenticate(request: AuthRequest): Promise<AuthOutcome> {
    const token = this.options.from === 'password' ? request.password?.toString('utf8') : request.username;
    if (!token || !JWT_SHAPE.test(token)) return { result: 'ignore' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as Uint8Array, {
        ...(this.algorithms ? { algorithms: this.algorithms } : {}),
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
        ...(this.options.audience ? { audience: this.options.audience } : {}),
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { result: 'deny', message: 'token expired' };
      if (err instanceof errors.JWTClaimValidationFailed)
        return { result: 'deny', message: `token claim "${err.claim}" rejected: ${err.reason}` };
      return {
        result: 'deny',
        message: `invalid token (${(err as { code?: string }).code ?? (err as Error).message})`,
      };
    }
    const claimed = payload[this.options.usernameClaim] ?? payload.sub;
    if (claimed !== undefined && typeof claimed !== 'string')
      return { result: 'deny', message: `token claim "${this.options.usernameClaim}" is not a string` };
    // a token issued for one user is not a key to another user's name
    if (
      this.options.from === 'password' &&
      request.username &&
      claimed !== undefined &&
      claimed !== request.username
    ) {
      return { result: 'deny', message: 'token was issued for another user name' };
    }
    let acl: ClientAcl | undefined;
    const aclClaim = payload[this.options.aclClaim];
    if (aclClaim !== undefined) {
      try {
        acl = parseClientAcl(aclClaim, `token claim "${this.options.aclClaim}"`);
      } catch (err) {
        return { result: 'deny', message: (err as Error).message };
      }
    }
    return {
      result: 'allow',
      superuser: payload[this.options.superuserClaim] === true,
      username: claimed ?? (this.options.from === 'password' ? request.username : undefined),
      acl,
      expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
    };
  }
}
