// MQTT users: create / update / delete / get / list and password authentication for brokers. Passwords are hashed
// here, on the proposing member, before the command is proposed; the hash never leaves placement. The same password
// also yields SCRAM-SHA-256/512 credentials (salted keys, not the password), which the Kafka brokers fetch to check a
// SASL/SCRAM login themselves (`scramCredential`).
import { pageLimit, requireText } from '../metadata/field-checks.js';
import { accepted, invalid, notFound } from '../metadata/metadata-error.js';
import { tagged, type WriteOptions } from '../metadata/write-options.js';
import type { Proposer } from '../state/proposer.js';
import { MQTT_KEY, userKey, type StoredUser } from '../state/mqtt-records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { isScramMechanism, scramCredentials, type ScramCredential } from '@robustmq/common';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './password-hash.js';

/** A user as shown to callers: everything but the password hash. */
export interface UserView {
  username: string;
  superuser: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

const MAX_PASSWORD_BYTES = 1024;

export function toUserView(user: StoredUser): UserView {
  return {
    username: user.username,
    superuser: user.superuser,
    createdAtMs: user.createdAtMs,
    updatedAtMs: user.updatedAtMs,
  };
}

function checkPassword(password: string | undefined): string {
  if (!password) throw invalid('password must not be empty');
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    throw invalid(`password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  return password;
}

export class MqttUsers {
  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
  ) {}

  async create(
    input: { username: string; password: string; superuser?: boolean },
    options: WriteOptions = {},
  ): Promise<UserView> {
    const username = requireText('username', input.username);
    const password = checkPassword(input.password);
    const now = Date.now();
    const [hash, scram] = await Promise.all([hashPassword(password), scramCredentials(password)]);
    const user: StoredUser = {
      username,
      password: hash,
      scram,
      superuser: input.superuser ?? false,
      createdAtMs: now,
      updatedAtMs: now,
    };
    const result = accepted(
      await this.proposer.propose({ type: 'mqtt.user.create', user, ...tagged(options) }),
    );
    // a retry answered by the state machine shows the user its first attempt stored
    return toUserView(result.user ?? user);
  }

  async update(
    usernameIn: string,
    input: { password?: string; superuser?: boolean },
    options: WriteOptions = {},
  ): Promise<UserView> {
    const username = requireText('username', usernameIn);
    if (!input.password && input.superuser === undefined)
      throw invalid('nothing to update: give password and/or superuser');
    const password = input.password ? await hashPassword(checkPassword(input.password)) : undefined;
    const scram = input.password ? await scramCredentials(input.password) : undefined;
    const result = accepted(
      await this.proposer.propose({
        type: 'mqtt.user.update',
        username,
        ...(password ? { password, scram } : {}),
        ...(input.superuser !== undefined ? { superuser: input.superuser } : {}),
        updatedAtMs: Date.now(),
        ...tagged(options),
      }),
    );
    return toUserView(result.user!);
  }

  async delete(usernameIn: string, options: WriteOptions = {}): Promise<void> {
    accepted(
      await this.proposer.propose({
        type: 'mqtt.user.delete',
        username: requireText('username', usernameIn),
        ...tagged(options),
      }),
    );
  }

  async get(usernameIn: string): Promise<UserView> {
    const username = requireText('username', usernameIn);
    await this.proposer.readBarrier();
    const user = await this.sm.getRecord<StoredUser>(userKey(username));
    if (!user) throw notFound(`user "${username}" not found`);
    return toUserView(user);
  }

  async list(startAfter: string, limit: number | undefined): Promise<{ users: UserView[]; more: boolean }> {
    await this.proposer.readBarrier();
    const page = await this.sm.scanRecords<StoredUser>(MQTT_KEY.user, {
      ...(startAfter ? { startAfter: userKey(startAfter) } : {}),
      limit: pageLimit(limit),
    });
    return { users: page.items.map(toUserView), more: page.more };
  }

  /** The SCRAM credential of a user for a mechanism, for a Kafka broker's SASL/SCRAM exchange; undefined for an
   * unknown user or one whose password predates SCRAM credentials (set it again to get them). */
  async scramCredential(usernameIn: string, mechanism: string): Promise<ScramCredential | undefined> {
    const username = requireText('username', usernameIn);
    if (!isScramMechanism(mechanism))
      throw invalid(`unknown SCRAM mechanism "${mechanism}": use SCRAM-SHA-256 or SCRAM-SHA-512`);
    await this.proposer.readBarrier();
    const user = await this.sm.getRecord<StoredUser>(userKey(username));
    return user?.scram?.[mechanism];
  }

  /** Unknown users and wrong passwords are both just "not authenticated", and take the same time. */
  async authenticate(
    username: string,
    password: string,
  ): Promise<{ authenticated: boolean; superuser: boolean }> {
    requireText('username', username);
    await this.proposer.readBarrier();
    const user = await this.sm.getRecord<StoredUser>(userKey(username));
    const ok =
      user && password
        ? await verifyPassword(password, user.password)
        : await verifyAgainstNothing(password ?? '');
    return { authenticated: ok, superuser: ok ? user!.superuser : false };
  }
}
