// A client of the placement center that knows several member addresses: each call goes to the current member and,
// when that member is unreachable (or answers that it is not the leader), moves on to the next with backoff until
// the call's overall deadline.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  LEADER_HINT_KEY,
  clusterChannelCredentials,
  clusterClientOptions,
  newClusterClient,
  newJournalClient,
  newKvClient,
  newMqttClient,
  type AclRule,
  type AclRule__Output,
  type BlacklistEntry,
  type BlacklistEntry__Output,
  type BlacklistType,
  type ConsumerOffset__Output,
  type JournalServiceClient,
  type MqttResource__Output,
  type MqttResourceType,
  type MqttServiceClient,
  type MqttUser__Output,
  type Segment__Output,
  type Shard__Output,
  type ShardConfig,
  type ClusterServiceClient,
  type ClusterTypeName,
  type KvServiceClient,
  type NodeInfo,
  type NodeInfo__Output,
  type KeyValue__Output,
  type BatchOpResult__Output,
  type ClusterTls,
} from '@robustmq/protocol';
import { Backoff, sleep } from './backoff.js';
import { KV_METHOD, KvBatcher, type KvOpKind, type KvOpRequest } from './kv-batcher.js';
import type { Logger } from '../log/logger.js';

export interface PlacementClientOptions {
  /** host:port of every placement member's gRPC port. */
  addresses: string[];
  /** per-attempt deadline. */
  attemptTimeoutMs?: number;
  /** overall deadline of a call, retries included. */
  callTimeoutMs?: number;
  logger?: Logger;
  /** the cluster secret ([cluster] auth_token) sent with every call; undefined = none. */
  authToken?: string | undefined;
  /** cluster TLS ([cluster] tls_*): when set, every member is reached over TLS with this node's certificate. */
  tls?: ClusterTls | undefined;
  /**
   * KV calls made during one event-loop turn travel in one Batch RPC (default true); each keeps its own result,
   * error and request id. false: one RPC per call.
   */
  batching?: boolean;
}

/** A gRPC failure from placement that retrying would not fix (bad request, unknown node, missing key...). */
export type KvEntry = KeyValue__Output;
export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  kv: KvEntry;
}

export class PlacementError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'PlacementError';
  }
}

const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.RESOURCE_EXHAUSTED]);

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

interface Member {
  address: string;
  cluster: ClusterServiceClient;
  kv: KvServiceClient;
  mqtt: MqttServiceClient;
  journal: JournalServiceClient;
}

type Service = 'cluster' | 'kv' | 'mqtt' | 'journal';

/** A broker state resource with its JSON record parsed. */
export interface MqttResourceRecord {
  type: MqttResourceType;
  key: string;
  record: Record<string, unknown>;
  payload: Buffer;
  updatedAtMs: number;
}

function parseResource(r: MqttResource__Output): MqttResourceRecord {
  return { type: r.type, key: r.key, record: JSON.parse(r.json) as Record<string, unknown>, payload: r.payload, updatedAtMs: r.updatedAtMs };
}

export class PlacementClient {
  private readonly members: Member[];
  private current = 0;
  private closed = false;
  private readonly attemptTimeoutMs: number;
  private readonly callTimeoutMs: number;

  constructor(private readonly options: PlacementClientOptions) {
    if (options.addresses.length === 0) throw new Error('PlacementClient needs at least one address');
    const credentials = clusterChannelCredentials(options.tls);
    this.members = options.addresses.map((address) => ({
      address,
      cluster: newClusterClient(address, credentials, clusterClientOptions(options.authToken)),
      kv: newKvClient(address, credentials, clusterClientOptions(options.authToken)),
      mqtt: newMqttClient(address, credentials, clusterClientOptions(options.authToken)),
      journal: newJournalClient(address, credentials, clusterClientOptions(options.authToken)),
    }));
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 3_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 15_000;
    this.batcher =
      options.batching === false
        ? undefined
        : new KvBatcher({
            single: (kind, request) => this.call('kv', KV_METHOD[kind], request),
            batch: async (ops) => (await this.call<{ results: BatchOpResult__Output[] }>('kv', 'Batch', { ops })).results,
            opError: (code, method, message) => new PlacementError(code, `${method}: ${message}`),
          });
  }

  private readonly batcher: KvBatcher | undefined;

  /** A KV operation: batched with the other KV calls of this event-loop turn unless batching is off. */
  private kv<Res>(kind: KvOpKind, request: KvOpRequest): Promise<Res> {
    return (this.batcher ? this.batcher.run(kind, request) : this.call('kv', KV_METHOD[kind], request)) as Promise<Res>;
  }

  private readonly clientId = randomUUID();
  private requestSeq = 0;

  /**
   * One id per logical write, reused by its retries (call() resends the same request object), so placement applies
   * it at most once and a retry whose first attempt committed gets that attempt's answer. Every write RPC sends one.
   */
  private requestId(): string {
    return `${this.clientId}:${++this.requestSeq}`;
  }

  get addresses(): string[] {
    return this.members.map((m) => m.address);
  }

  private async call<Res>(
    service: Service,
    name: string,
    request: object,
    callTimeoutMs = this.callTimeoutMs,
  ): Promise<Res> {
    const started = Date.now();
    const backoff = new Backoff({ initialMs: 50, maxMs: 2_000 });
    let lastError: grpc.ServiceError | undefined;
    let redirected = false;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new PlacementError(grpc.status.CANCELLED, `${name}: placement client closed`);
      const member = this.members[this.current]!;
      const remaining = callTimeoutMs - (Date.now() - started);
      const deadline = Date.now() + Math.max(1, Math.min(this.attemptTimeoutMs, remaining));
      try {
        return await new Promise<Res>((resolve, reject) => {
          const client = member[service];
          const method = (client as unknown as Record<string, UnaryMethod>)[name]!;
          method.call(client, request, new grpc.Metadata(), { deadline }, (err, res) =>
            err ? reject(err) : resolve(res as Res),
          );
        });
      } catch (err) {
        const error = err as grpc.ServiceError;
        if (!RETRYABLE.has(error.code)) throw new PlacementError(error.code, `${name}: ${error.details || error.message}`);
        lastError = error;
        // go to the leader when the member named it, else try the next member (this one may be down or cut off)
        const hint = error.metadata?.get(LEADER_HINT_KEY)[0]?.toString();
        const hinted = hint ? this.members.findIndex((m) => m.address === hint) : -1;
        // follow a hint at once, but not twice in a row (two members with stale views must not ping-pong)
        if (hinted >= 0 && hinted !== this.current && !redirected) {
          redirected = true;
          this.current = hinted;
          this.options.logger?.debug({ leader: hint }, `${name}: redirected to the leader`);
          continue;
        }
        redirected = false;
        this.current = (this.current + 1) % this.members.length;
        const delay = backoff.next();
        if (Date.now() - started + delay >= callTimeoutMs) break;
        this.options.logger?.debug({ address: member.address, attempt, code: error.code }, `${name} failed, retrying`);
        await sleep(delay);
      }
    }
    throw new PlacementError(
      lastError?.code ?? grpc.status.UNAVAILABLE,
      `${name}: no placement member answered within ${callTimeoutMs} ms (tried ${this.addresses.join(', ')}): ${lastError?.details ?? lastError?.message ?? 'unknown error'}`,
    );
  }

  registerNode(node: NodeInfo): Promise<{ heartbeatIntervalMs: number; heartbeatTimeoutMs: number }> {
    return this.call('cluster', 'RegisterNode', { node, requestId: this.requestId() });
  }

  async heartbeat(clusterType: ClusterTypeName, clusterName: string, nodeId: number, timeoutMs?: number): Promise<void> {
    await this.call('cluster', 'Heartbeat', { clusterType, clusterName, nodeId },
      timeoutMs,
    );
  }

  async unregisterNode(clusterType: ClusterTypeName, clusterName: string, nodeId: number, timeoutMs?: number): Promise<void> {
    await this.call('cluster', 'UnregisterNode', { clusterType, clusterName, nodeId, requestId: this.requestId() },
      timeoutMs,
    );
  }

  async listNodes(clusterType?: ClusterTypeName, clusterName = ''): Promise<NodeInfo__Output[]> {
    const reply = await this.call<{ nodes: NodeInfo__Output[] }>('cluster', 'ListNodes', { clusterType: clusterType ?? 'CLUSTER_TYPE_UNSPECIFIED', clusterName },
    );
    return reply.nodes;
  }

  async kvSet(key: string, value: Buffer | string): Promise<void> {
    await this.kv('set', { key, value: Buffer.from(value), requestId: this.requestId() });
  }

  /** The value, or undefined when the key is absent. */
  async kvGet(key: string): Promise<Buffer | undefined> {
    try {
      const reply = await this.kv<{ value: Buffer }>('get', { key });
      return reply.value;
    } catch (err) {
      if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** The entry with its revisions, or undefined when the key is absent. `stale` reads may lag the leader. */
  async kvGetEntry(key: string, options: { stale?: boolean } = {}): Promise<KvEntry | undefined> {
    try {
      const reply = await this.kv<{ kv: KvEntry }>('get', { key, read: { stale: options.stale ?? false } });
      return reply.kv;
    } catch (err) {
      if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** Sets key to value if its mod revision is expectedModRevision (0: only if absent). */
  async kvCompareAndSet(
    key: string,
    expectedModRevision: number,
    value: Buffer | string,
  ): Promise<{ succeeded: boolean; revision: number; current: KvEntry | null }> {
    return this.kv('compareAndSet', { key, expectedModRevision, value: Buffer.from(value), requestId: this.requestId() });
  }

  /**
   * Follows every change under prefix from startRevision (default: changes after now), in order and without gaps,
   * reconnecting (to any member) from the last seen revision when the stream breaks. Stops on cancel() or when the
   * revision has been compacted (onError with OUT_OF_RANGE).
   */
  watch(prefix: string, options: { startRevision?: number; onEvent: (event: WatchEvent) => void; onError?: (err: PlacementError) => void }): { cancel(): void } {
    let cancelled = false;
    let stream: grpc.ClientReadableStream<WatchEvent> | undefined;
    let next = options.startRevision ?? 0;
    const backoff = new Backoff({ initialMs: 50, maxMs: 2_000 });
    const open = async () => {
      if (cancelled) return;
      if (next === 0) {
        // learn the current revision first, so a reconnect before the first event cannot miss changes
        try {
          next = (await this.kvListPrefix(prefix, '', 1)).revision + 1;
        } catch {
          setTimeout(() => void open(), backoff.next()).unref();
          return;
        }
      }
      const member = this.members[this.current]!;
      const s = (member.kv as unknown as { Watch(req: object): grpc.ClientReadableStream<WatchEvent> }).Watch({ prefix, startRevision: next });
      stream = s;
      let reopened = false;
      const reopen = () => {
        if (reopened || cancelled) return;
        reopened = true;
        setTimeout(() => void open(), backoff.next()).unref();
      };
      s.on('data', (event: WatchEvent) => {
        backoff.reset();
        next = event.kv.modRevision + 1;
        options.onEvent(event);
      });
      s.on('error', (err: grpc.ServiceError) => {
        if (cancelled) return;
        if (err.code === grpc.status.OUT_OF_RANGE) {
          cancelled = true;
          options.onError?.(new PlacementError(err.code, `Watch: ${err.details}`));
          return;
        }
        this.current = (this.current + 1) % this.members.length;
        reopen();
      });
      s.on('end', reopen);
    };
    void open();
    return {
      cancel() {
        cancelled = true;
        stream?.cancel();
      },
    };
  }

  async kvDelete(key: string): Promise<boolean> {
    const reply = await this.kv<{ deleted: boolean }>('delete', { key, requestId: this.requestId() });
    return reply.deleted;
  }

  async kvExists(key: string): Promise<boolean> {
    const reply = await this.kv<{ exists: boolean }>('exists', { key });
    return reply.exists;
  }

  async kvListPrefix(prefix: string, startAfter = '', limit = 0): Promise<{ items: KvEntry[]; more: boolean; revision: number }> {
    return this.call('kv', 'ListPrefix', { prefix, startAfter, limit });
  }

  /** Runs a call whose NOT_FOUND answer means "absent". */
  private async orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
    try {
      return await call;
    } catch (err) {
      if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  // ---- MQTT users ----

  /** Fails with ALREADY_EXISTS when the username is taken. */
  async createUser(username: string, password: string, superuser = false): Promise<MqttUser__Output> {
    return (await this.call<{ user: MqttUser__Output }>('mqtt', 'CreateUser', { username, password, superuser, requestId: this.requestId() })).user;
  }

  /** Changes the password and/or the superuser flag; NOT_FOUND when the user is unknown. */
  async updateUser(username: string, change: { password?: string; superuser?: boolean }): Promise<MqttUser__Output> {
    const request = {
      username,
      password: change.password ?? '',
      ...(change.superuser !== undefined ? { superuser: { value: change.superuser } } : {}),
      requestId: this.requestId(),
    };
    return (await this.call<{ user: MqttUser__Output }>('mqtt', 'UpdateUser', request)).user;
  }

  /** NOT_FOUND when the user is unknown. */
  async deleteUser(username: string): Promise<void> {
    await this.call('mqtt', 'DeleteUser', { username, requestId: this.requestId() });
  }

  /** The user (never its password hash), or undefined when unknown. */
  async getUser(username: string): Promise<MqttUser__Output | undefined> {
    return this.orUndefined(this.call<{ user: MqttUser__Output }>('mqtt', 'GetUser', { username }).then((r) => r.user));
  }

  async listUsers(startAfter = '', limit = 0): Promise<{ users: MqttUser__Output[]; more: boolean }> {
    return this.call('mqtt', 'ListUsers', { startAfter, limit });
  }

  /** For brokers: whether the password is right (unknown users are simply not authenticated). */
  async authenticateUser(username: string, password: string): Promise<{ authenticated: boolean; superuser: boolean }> {
    return this.call('mqtt', 'AuthenticateUser', { username, password });
  }

  // ---- ACL and blacklist ----

  /** An empty id is assigned by placement; ALREADY_EXISTS when the id is taken. */
  async createAclRule(rule: Omit<AclRule, 'createdAtMs'>): Promise<AclRule__Output> {
    return (await this.call<{ rule: AclRule__Output }>('mqtt', 'CreateAclRule', { rule, requestId: this.requestId() })).rule;
  }

  async deleteAclRule(id: string): Promise<void> {
    await this.call('mqtt', 'DeleteAclRule', { id, requestId: this.requestId() });
  }

  /** Every rule in evaluation order (priority, then id). */
  async listAclRules(): Promise<AclRule__Output[]> {
    return (await this.call<{ rules: AclRule__Output[] }>('mqtt', 'ListAclRules', {})).rules;
  }

  /** Adds an entry or replaces the one with the same type and value. */
  async createBlacklistEntry(entry: Omit<BlacklistEntry, 'createdAtMs'>): Promise<BlacklistEntry__Output> {
    return (await this.call<{ entry: BlacklistEntry__Output }>('mqtt', 'CreateBlacklistEntry', { entry, requestId: this.requestId() })).entry;
  }

  async deleteBlacklistEntry(type: BlacklistType, value: string): Promise<void> {
    await this.call('mqtt', 'DeleteBlacklistEntry', { type, value, requestId: this.requestId() });
  }

  async listBlacklist(): Promise<BlacklistEntry__Output[]> {
    return (await this.call<{ entries: BlacklistEntry__Output[] }>('mqtt', 'ListBlacklist', {})).entries;
  }

  // ---- broker state resources (sessions, subscriptions, topics, retained/will messages, rules, group leaders) ----

  async putResource(type: MqttResourceType, key: string, record: object, payload?: Buffer): Promise<{ resource: MqttResourceRecord; created: boolean }> {
    const reply = await this.call<{ resource: MqttResource__Output; created: boolean }>('mqtt', 'PutResource', {
      resource: { type, key, json: JSON.stringify(record), payload: payload ?? Buffer.alloc(0) },
      requestId: this.requestId(),
    });
    return { resource: parseResource(reply.resource), created: reply.created };
  }

  /** The resource, or undefined when absent. */
  async getResource(type: MqttResourceType, key: string): Promise<MqttResourceRecord | undefined> {
    return this.orUndefined(this.call<{ resource: MqttResource__Output }>('mqtt', 'GetResource', { type, key }).then((r) => parseResource(r.resource)));
  }

  /** True when the resource existed. */
  async deleteResource(type: MqttResourceType, key: string): Promise<boolean> {
    return (await this.orUndefined(this.call('mqtt', 'DeleteResource', { type, key, requestId: this.requestId() }).then(() => true))) ?? false;
  }

  async listResources(
    type: MqttResourceType,
    options: { keyPrefix?: string; startAfter?: string; limit?: number } = {},
  ): Promise<{ resources: MqttResourceRecord[]; more: boolean }> {
    const reply = await this.call<{ resources: MqttResource__Output[]; more: boolean }>('mqtt', 'ListResources', {
      type,
      keyPrefix: options.keyPrefix ?? '',
      startAfter: options.startAfter ?? '',
      limit: options.limit ?? 0,
    });
    return { resources: reply.resources.map(parseResource), more: reply.more };
  }

  /** The broker leading a shared-subscription group, assigned by the placement leader when it has none alive;
   * FAILED_PRECONDITION when no MQTT broker is registered. */
  async getShareSubLeader(groupName: string): Promise<{ brokerNodeId: number; host: string; ports: Record<string, number> }> {
    return this.call('mqtt', 'GetShareSubLeader', { groupName, requestId: this.requestId() });
  }

  // ---- journal shards and segments ----

  /** Creates the shard and opens segment 0; FAILED_PRECONDITION when too few journal servers are registered. */
  async createShard(namespace: string, name: string, config: ShardConfig): Promise<{ shard: Shard__Output; segment: Segment__Output }> {
    return this.call('journal', 'CreateShard', { namespace, name, config, requestId: this.requestId() });
  }

  async deleteShard(namespace: string, name: string): Promise<void> {
    await this.call('journal', 'DeleteShard', { namespace, name, requestId: this.requestId() });
  }

  /** The shard, or undefined when it does not exist. */
  async getShard(namespace: string, name: string): Promise<Shard__Output | undefined> {
    return this.orUndefined(this.call<{ shard: Shard__Output }>('journal', 'GetShard', { namespace, name }).then((r) => r.shard));
  }

  async listShards(options: { namespace?: string; startAfter?: string; limit?: number } = {}): Promise<{ shards: Shard__Output[]; more: boolean }> {
    return this.call('journal', 'ListShards', { namespace: options.namespace ?? '', startAfter: options.startAfter ?? '', limit: options.limit ?? 0 });
  }

  async listSegments(namespace: string, shardName: string): Promise<Segment__Output[]> {
    return (await this.call<{ segments: Segment__Output[] }>('journal', 'ListSegments', { namespace, shardName })).segments;
  }

  /** Seals the active segment at endOffset and opens the next (possibly on other journal servers). */
  async sealAndOpenNext(request: {
    namespace: string;
    shardName: string;
    segmentSeq: number;
    endOffset: number;
    startTimestampMs?: number;
    endTimestampMs?: number;
  }): Promise<{ sealed: Segment__Output; next: Segment__Output }> {
    return this.call('journal', 'SealAndOpenNext', { ...request, requestId: this.requestId() });
  }

  /** Moves the segment's leadership to another replica and bumps its epoch (only from expectedEpoch when given). */
  async updateSegmentLeader(request: { namespace: string; shardName: string; segmentSeq: number; leader: number; expectedEpoch?: number }): Promise<Segment__Output> {
    return (await this.call<{ segment: Segment__Output }>('journal', 'UpdateSegmentLeader', { ...request, requestId: this.requestId() })).segment;
  }

  // ---- consumer offsets ----

  async commitOffset(group: string, namespace: string, shardName: string, offset: number): Promise<void> {
    await this.call('journal', 'CommitOffset', { group, namespace, shardName, offset, requestId: this.requestId() });
  }

  /** The group's committed offset in the shard, or undefined when it has committed none. */
  async fetchOffset(group: string, namespace: string, shardName: string): Promise<number | undefined> {
    return this.orUndefined(
      this.call<{ offset: ConsumerOffset__Output }>('journal', 'FetchOffset', { group, namespace, shardName }).then((r) => r.offset.offset),
    );
  }

  async listOffsets(group: string): Promise<ConsumerOffset__Output[]> {
    return (await this.call<{ offsets: ConsumerOffset__Output[] }>('journal', 'ListOffsets', { group })).offsets;
  }

  close(): void {
    this.closed = true;
    for (const member of this.members) {
      member.cluster.close();
      member.kv.close();
      member.mqtt.close();
      member.journal.close();
    }
  }
}
