// Placement's MQTT metadata service: users, ACL rules, the blacklist, the brokers' state resources (sessions,
// subscriptions, topics, retained and will messages, rules) and shared-subscription group leaders.
import type {
  AclRule,
  AclRule__Output,
  BlacklistEntry,
  BlacklistEntry__Output,
  BlacklistType,
  MqttResource__Output,
  MqttResourceType,
  MqttUser__Output,
} from '@robustmq/protocol';
import type { ScramCredential, ScramMechanism } from '@robustmq/common';
import { orUndefined, type PlacementConnection } from './connection.js';

/** A broker state resource with its JSON record parsed. */
export interface MqttResourceRecord {
  type: MqttResourceType;
  key: string;
  record: Record<string, unknown>;
  payload: Buffer;
  updatedAtMs: number;
}

function parseResource(r: MqttResource__Output): MqttResourceRecord {
  return {
    type: r.type,
    key: r.key,
    record: JSON.parse(r.json) as Record<string, unknown>,
    payload: r.payload,
    updatedAtMs: r.updatedAtMs,
  };
}

export class MqttMetadataClient {
  constructor(private readonly conn: PlacementConnection) {}

  // ---- users ----

  /** Fails with ALREADY_EXISTS when the username is taken. */
  async createUser(username: string, password: string, superuser = false): Promise<MqttUser__Output> {
    return (
      await this.conn.call<{ user: MqttUser__Output }>('mqtt', 'CreateUser', {
        username,
        password,
        superuser,
        requestId: this.conn.requestId(),
      })
    ).user;
  }

  /** Changes the password and/or the superuser flag; NOT_FOUND when the user is unknown. */
  async updateUser(
    username: string,
    change: { password?: string; superuser?: boolean },
  ): Promise<MqttUser__Output> {
    const request = {
      username,
      password: change.password ?? '',
      ...(change.superuser !== undefined ? { superuser: { value: change.superuser } } : {}),
      requestId: this.conn.requestId(),
    };
    return (await this.conn.call<{ user: MqttUser__Output }>('mqtt', 'UpdateUser', request)).user;
  }

  /** NOT_FOUND when the user is unknown. */
  async deleteUser(username: string): Promise<void> {
    await this.conn.call('mqtt', 'DeleteUser', { username, requestId: this.conn.requestId() });
  }

  /** The user (never its password hash), or undefined when unknown. */
  async getUser(username: string): Promise<MqttUser__Output | undefined> {
    return orUndefined(
      this.conn.call<{ user: MqttUser__Output }>('mqtt', 'GetUser', { username }).then((r) => r.user),
    );
  }

  async listUsers(startAfter = '', limit = 0): Promise<{ users: MqttUser__Output[]; more: boolean }> {
    return this.conn.call('mqtt', 'ListUsers', { startAfter, limit });
  }

  /** For brokers: whether the password is right (unknown users are simply not authenticated). */
  async authenticateUser(
    username: string,
    password: string,
  ): Promise<{ authenticated: boolean; superuser: boolean }> {
    return this.conn.call('mqtt', 'AuthenticateUser', { username, password });
  }

  /** For Kafka brokers' SASL/SCRAM: the user's SCRAM keys for `mechanism`, or undefined (unknown user, or a password
   * set before SCRAM keys were kept). */
  async getScramCredential(
    username: string,
    mechanism: ScramMechanism,
  ): Promise<ScramCredential | undefined> {
    const r = await this.conn.call<{
      found: boolean;
      salt: Buffer;
      iterations: number;
      storedKey: Buffer;
      serverKey: Buffer;
    }>('mqtt', 'GetScramCredential', { username, mechanism });
    if (!r.found) return undefined;
    return {
      salt: r.salt.toString('base64'),
      iterations: r.iterations,
      storedKey: r.storedKey.toString('base64'),
      serverKey: r.serverKey.toString('base64'),
    };
  }

  // ---- ACL and blacklist ----

  /** An empty id is assigned by placement; ALREADY_EXISTS when the id is taken. */
  async createAclRule(rule: Omit<AclRule, 'createdAtMs'>): Promise<AclRule__Output> {
    return (
      await this.conn.call<{ rule: AclRule__Output }>('mqtt', 'CreateAclRule', {
        rule,
        requestId: this.conn.requestId(),
      })
    ).rule;
  }

  async deleteAclRule(id: string): Promise<void> {
    await this.conn.call('mqtt', 'DeleteAclRule', { id, requestId: this.conn.requestId() });
  }

  /** Every rule in evaluation order (priority, then id). */
  async listAclRules(): Promise<AclRule__Output[]> {
    return (await this.conn.call<{ rules: AclRule__Output[] }>('mqtt', 'ListAclRules', {})).rules;
  }

  /** Adds an entry or replaces the one with the same type and value. */
  async createBlacklistEntry(entry: Omit<BlacklistEntry, 'createdAtMs'>): Promise<BlacklistEntry__Output> {
    return (
      await this.conn.call<{ entry: BlacklistEntry__Output }>('mqtt', 'CreateBlacklistEntry', {
        entry,
        requestId: this.conn.requestId(),
      })
    ).entry;
  }

  async deleteBlacklistEntry(type: BlacklistType, value: string): Promise<void> {
    await this.conn.call('mqtt', 'DeleteBlacklistEntry', { type, value, requestId: this.conn.requestId() });
  }

  async listBlacklist(): Promise<BlacklistEntry__Output[]> {
    return (await this.conn.call<{ entries: BlacklistEntry__Output[] }>('mqtt', 'ListBlacklist', {})).entries;
  }

  // ---- broker state resources (sessions, subscriptions, topics, retained/will messages, rules, group leaders) ----

  async putResource(
    type: MqttResourceType,
    key: string,
    record: object,
    payload?: Buffer,
  ): Promise<{ resource: MqttResourceRecord; created: boolean }> {
    const reply = await this.conn.call<{ resource: MqttResource__Output; created: boolean }>(
      'mqtt',
      'PutResource',
      {
        resource: { type, key, json: JSON.stringify(record), payload: payload ?? Buffer.alloc(0) },
        requestId: this.conn.requestId(),
      },
    );
    return { resource: parseResource(reply.resource), created: reply.created };
  }

  /** The resource, or undefined when absent. */
  async getResource(type: MqttResourceType, key: string): Promise<MqttResourceRecord | undefined> {
    return orUndefined(
      this.conn
        .call<{ resource: MqttResource__Output }>('mqtt', 'GetResource', { type, key })
        .then((r) => parseResource(r.resource)),
    );
  }

  /** True when the resource existed. */
  async deleteResource(type: MqttResourceType, key: string): Promise<boolean> {
    return (
      (await orUndefined(
        this.conn
          .call('mqtt', 'DeleteResource', { type, key, requestId: this.conn.requestId() })
          .then(() => true),
      )) ?? false
    );
  }

  async listResources(
    type: MqttResourceType,
    options: { keyPrefix?: string; startAfter?: string; limit?: number } = {},
  ): Promise<{ resources: MqttResourceRecord[]; more: boolean }> {
    const reply = await this.conn.call<{ resources: MqttResource__Output[]; more: boolean }>(
      'mqtt',
      'ListResources',
      {
        type,
        keyPrefix: options.keyPrefix ?? '',
        startAfter: options.startAfter ?? '',
        limit: options.limit ?? 0,
      },
    );
    return { resources: reply.resources.map(parseResource), more: reply.more };
  }

  /** The broker leading a shared-subscription group, assigned by the placement leader when it has none alive;
   * FAILED_PRECONDITION when no MQTT broker is registered. */
  async getShareSubLeader(
    groupName: string,
  ): Promise<{ brokerNodeId: number; host: string; ports: Record<string, number> }> {
    return this.conn.call('mqtt', 'GetShareSubLeader', { groupName, requestId: this.conn.requestId() });
  }
}
