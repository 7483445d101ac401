// The connection and failover core every placement service client shares: one gRPC channel per placement member
// per service, the member currently used, and call(): each call goes to the current member and, when that member is
// unreachable (or answers that it is not the leader), moves on — to the leader it named, else the next member — with
// backoff until the call's overall deadline. Also the request ids that make retried writes apply at most once.
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
  type BatchOp,
  type BatchOpResult__Output,
  type ClusterServiceClient,
  type ClusterTls,
  type JournalServiceClient,
  type KvServiceClient,
  type MqttServiceClient,
} from '@robustmq/protocol';
import type { Logger } from '@robustmq/common';
import { Backoff, sleep } from './backoff.js';
import { BatchStreamChannel, type BatchStreamCall } from './kv-stream.js';

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
export class PlacementError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'PlacementError';
  }
}

const RETRYABLE = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
]);

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

interface ServiceClients {
  cluster: ClusterServiceClient;
  kv: KvServiceClient;
  mqtt: MqttServiceClient;
  journal: JournalServiceClient;
}

export type PlacementService = keyof ServiceClients;

interface Member extends ServiceClients {
  address: string;
  /** KV Batches to this member over one stream (opened by the first). */
  batchStream?: BatchStreamChannel;
}

export class PlacementConnection {
  private readonly members: Member[];
  private current = 0;
  private closed = false;
  private readonly attemptTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly clientId = randomUUID();
  private requestSeq = 0;

  constructor(readonly options: PlacementClientOptions) {
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
  }

  get addresses(): string[] {
    return this.members.map((m) => m.address);
  }

  /**
   * One id per logical write, reused by its retries (call() resends the same request object), so placement applies
   * it at most once and a retry whose first attempt committed gets that attempt's answer. Every write RPC sends one.
   */
  requestId(): string {
    return `${this.clientId}:${++this.requestSeq}`;
  }

  /** The stub of `service` on the member in use (for streams, which do their own reconnecting). */
  currentStub<S extends PlacementService>(service: S): ServiceClients[S] {
    return this.members[this.current]![service];
  }

  /** Moves to the next member (a stream broke on the current one). */
  rotate(): void {
    this.current = (this.current + 1) % this.members.length;
  }

  /** One unary call of `service`'s method `name`, with retries (see retrying). */
  call<Res>(
    service: PlacementService,
    name: string,
    request: object,
    callTimeoutMs = this.callTimeoutMs,
  ): Promise<Res> {
    return this.retrying(name, callTimeoutMs, (member, deadline) => {
      return new Promise<Res>((resolve, reject) => {
        const client = member[service];
        const method = (client as unknown as Record<string, UnaryMethod>)[name]!;
        method.call(client, request, new grpc.Metadata(), { deadline }, (err, res) =>
          err ? reject(err) : resolve(res as Res),
        );
      });
    });
  }

  /**
   * A KV Batch as a message on the member's BatchStream (kv-stream.ts), with the retries of call(). A member that
   * does not know BatchStream (older code) fails it with UNIMPLEMENTED, not retried: the caller goes unary then.
   */
  batchOverStream(ops: BatchOp[], callTimeoutMs = this.callTimeoutMs): Promise<BatchOpResult__Output[]> {
    return this.retrying('Batch', callTimeoutMs, (member, deadline) => {
      member.batchStream ??= new BatchStreamChannel(() =>
        (member.kv as unknown as { BatchStream(): BatchStreamCall }).BatchStream(),
      );
      return member.batchStream.send(ops, deadline);
    });
  }

  /**
   * Runs `attempt` on the current member until it succeeds or fails for good; when that member is unreachable (or
   * answers that it is not the leader) moves on — to the leader it named, else the next member — with backoff
   * until the call's overall deadline.
   */
  private async retrying<Res>(
    name: string,
    callTimeoutMs: number,
    attempt: (member: Member, deadline: number) => Promise<Res>,
  ): Promise<Res> {
    const started = Date.now();
    let backoff: Backoff | undefined;
    let lastError: grpc.ServiceError | undefined;
    let redirected = false;
    for (let n = 0; ; n++) {
      if (this.closed) throw new PlacementError(grpc.status.CANCELLED, `${name}: placement client closed`);
      const member = this.members[this.current]!;
      const remaining = callTimeoutMs - (Date.now() - started);
      const deadline = Date.now() + Math.max(1, Math.min(this.attemptTimeoutMs, remaining));
      try {
        return await attempt(member, deadline);
      } catch (err) {
        const error = err as grpc.ServiceError;
        if (!RETRYABLE.has(error.code))
          throw new PlacementError(error.code, `${name}: ${error.details || error.message}`);
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
        this.rotate();
        backoff ??= new Backoff({ initialMs: 50, maxMs: 2_000 });
        const delay = backoff.next();
        if (Date.now() - started + delay >= callTimeoutMs) break;
        this.options.logger?.debug(
          { address: member.address, attempt: n, code: error.code },
          `${name} failed, retrying`,
        );
        await sleep(delay);
      }
    }
    throw new PlacementError(
      lastError?.code ?? grpc.status.UNAVAILABLE,
      `${name}: no placement member answered within ${callTimeoutMs} ms (tried ${this.addresses.join(', ')}): ${lastError?.details ?? lastError?.message ?? 'unknown error'}`,
    );
  }

  close(): void {
    this.closed = true;
    for (const member of this.members) {
      member.batchStream?.close();
      member.cluster.close();
      member.kv.close();
      member.mqtt.close();
      member.journal.close();
    }
  }
}

/** Runs a call whose NOT_FOUND answer means "absent". */
export async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof PlacementError && err.code === grpc.status.NOT_FOUND) return undefined;
    throw err;
  }
}
