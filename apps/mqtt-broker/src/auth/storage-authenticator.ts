// The auth storage's passwords (`[auth] chain` entry "storage"): users with hashed passwords in placement or MySQL.
// A user it does not know (or a wrong password) is passed on to the next authenticator; at the end of the chain an
// unmatched client is refused as bad user name or password.
import type { AuthStorageAdapter } from './auth-storage-adapter.js';
import type { AuthOutcome, AuthRequest, Authenticator } from './authenticator.js';

export class StorageAuthenticator implements Authenticator {
  readonly name = 'storage';
  constructor(private readonly storage: AuthStorageAdapter) {}

  async authenticate(request: AuthRequest): Promise<AuthOutcome> {
    if (request.username === undefined) return { result: 'ignore' };
    const { authenticated, superuser } = await this.storage.authenticate(
      request.username,
      request.password?.toString('utf8') ?? '',
    );
    return authenticated ? { result: 'allow', superuser } : { result: 'ignore' };
  }
}
