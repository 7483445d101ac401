// SASL/PLAIN (RFC 4616) against the MQTT users kept in the placement center: the same user names and passwords
// (robust-ctl user add) log in over MQTT and Kafka. The password is checked by placement (salted scrypt), never here.
import type { PlacementClient } from '@robustmq/placement-client';

export interface PlainOutcome {
  ok: boolean;
  user: string;
  /** why it failed, for the client's error message (never says which part was wrong). */
  message?: string;
}

export class PlainAuthenticator {
  constructor(private readonly placement: PlacementClient) {}

  /** `token`: authzid NUL authcid NUL password. */
  async authenticate(token: Buffer): Promise<PlainOutcome> {
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3 || parts[1]!.length === 0) {
      return {
        ok: false,
        user: '',
        message: 'malformed SASL/PLAIN token: expected authzid NUL user NUL password',
      };
    }
    const [authzid, user, password] = parts as [string, string, string];
    if (authzid !== '' && authzid !== user)
      return { ok: false, user, message: 'SASL/PLAIN: authorization id must be empty or the user name' };
    const { authenticated } = await this.placement.mqtt.authenticateUser(user, password);
    return authenticated
      ? { ok: true, user }
      : { ok: false, user, message: 'Authentication failed: invalid username or password' };
  }
}
