// Builds `[auth] chain` from the configuration: one authenticator per entry, in order. A chain entry whose keys are
// missing or unusable (no JWT key, an unreadable key file, no HTTP URL) is a start-up error naming the key.
import type { MqttBrokerConfig } from '../config.js';
import type { AuthStorageAdapter } from './auth-storage-adapter.js';
import type { Authenticator } from './authenticator.js';
import { HttpAuthenticator } from './http-authenticator.js';
import { JwtAuthenticator } from './jwt-authenticator.js';
import { StorageAuthenticator } from './storage-authenticator.js';

export function openAuthenticators(
  auth: MqttBrokerConfig['auth'],
  storage: AuthStorageAdapter,
): Authenticator[] {
  return auth.chain.map((name): Authenticator => {
    switch (name) {
      case 'storage':
        return new StorageAuthenticator(storage);
      case 'jwt':
        return new JwtAuthenticator({
          secret: auth.jwt_secret,
          publicKeyFile: auth.jwt_public_key_file,
          jwksFile: auth.jwt_jwks_file,
          from: auth.jwt_from,
          usernameClaim: auth.jwt_username_claim,
          superuserClaim: auth.jwt_superuser_claim,
          aclClaim: auth.jwt_acl_claim,
          issuer: auth.jwt_issuer,
          audience: auth.jwt_audience,
        });
      case 'http':
        return new HttpAuthenticator({
          url: auth.http_url,
          timeoutMs: auth.http_timeout_ms,
          cacheTtlMs: auth.http_cache_ttl_ms,
          cacheMaxEntries: auth.http_cache_max_entries,
        });
    }
  });
}
