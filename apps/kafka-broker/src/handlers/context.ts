// What every request handler gets: the broker's collaborators (built once at start-up) and the state of the
// connection the request came on. One file per API under handlers/, like the MQTT broker's packet handlers; the table
// in handlers/index.ts says which APIs this broker offers; each handler is built by apiHandler() below, which takes the
// versions from the API's declaration in the codec.
import type { Logger } from '@robustmq/common';
import { apiSpec, type KafkaValue, type RequestHeader } from '@robustmq/protocol/kafka';
import type { BrokerDirectory, KafkaListener } from '../cluster/broker-directory.js';
import type { CoordinatorPlacement } from '../group/coordinator-placement.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import type { ProducerIdAllocator } from '../producer/producer-id-allocator.js';
import type { IdempotentProducers } from '../producer/producer-state.js';
import type { KafkaBrokerConfig } from '../config.js';
import type { KafkaAuthorizer } from '../server/authorizer.js';
import type { SaslAuthenticator } from '../server/sasl.js';
import type { SaslExchange } from '../server/sasl-exchange.js';
import type { KafkaStats } from '../server/stats.js';
import type { PartitionStore } from '../topics/partition-store.js';
import type { TopicCatalog } from '../topics/topic-catalog.js';

export interface BrokerContext {
  config: KafkaBrokerConfig;
  logger: Logger;
  catalog: TopicCatalog;
  partitions: PartitionStore;
  directory: BrokerDirectory;
  /** the SASL mechanisms (PLAIN, SCRAM-SHA-256/512) and their exchanges; present when `[sasl] enabled`. */
  authenticator: SaslAuthenticator | undefined;
  /** the ACL rules checked per topic (server/authorizer.ts); present when `[sasl] enabled`. */
  authorizer: KafkaAuthorizer | undefined;
  stats: KafkaStats;
  /** the consumer groups this broker coordinates, and which broker coordinates which group. */
  groups: GroupCoordinator;
  coordinators: CoordinatorPlacement;
  /** producer ids for InitProducerId, and the sequence state of idempotent producers per partition. */
  producerIds: ProducerIdAllocator;
  idempotence: IdempotentProducers;
  /** the APIs and versions offered (the ApiVersions answer). */
  apiVersions(): { apiKey: number; minVersion: number; maxVersion: number }[];
}

export interface ConnectionState {
  remoteAddress: string;
  /** the listener the connection came in on: Metadata and FindCoordinator name that listener's ports. */
  listener: KafkaListener;
  clientId: string | null;
  /** SASL done (or not required). */
  authenticated: boolean;
  /** the authenticated user name. */
  principal: string | undefined;
  /** the principal's superuser flag, read at login: every authorization check passes. */
  superuser: boolean;
  /** the mechanism chosen by SaslHandshake and its exchange, until authentication ends. */
  saslMechanism: string | undefined;
  saslExchange: SaslExchange | undefined;
  /** after a SaslHandshake v0 the next frame is a bare SASL token, not a Kafka request (KIP-43's original flow). */
  saslRawNext: boolean;
  /** set by a handler: close the connection once its response has been written (failed authentication). */
  closeAfterResponse: boolean;
  /** orders the appends of one connection's Produce requests: each waits until the previous one has issued its. */
  produceTurn: Promise<void>;
}

export interface ApiHandler {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
  /** the response body, or undefined for none (Produce with acks=0). */
  handle(
    ctx: BrokerContext,
    conn: ConnectionState,
    body: KafkaValue,
    header: RequestHeader,
  ): Promise<KafkaValue | undefined>;
}

type Handle<R> = (
  ctx: BrokerContext,
  conn: ConnectionState,
  request: R,
  header: RequestHeader,
) => Promise<KafkaValue | undefined>;

/**
 * The handler of one API. The versions it answers are the ones its messages are declared in (the codec's range in
 * @robustmq/protocol kafka/apis.ts, the one place a new version is added), from `minVersion` when the broker cannot
 * serve the oldest ones. `handle` gets the body decoded in the request's version — fields of other versions at their
 * defaults — seen as `R`, and returns the response body.
 */
export function apiHandler<R = KafkaValue>(apiKey: number, handle: Handle<R>): ApiHandler;
export function apiHandler<R = KafkaValue>(
  apiKey: number,
  versions: { minVersion: number },
  handle: Handle<R>,
): ApiHandler;
export function apiHandler<R>(
  apiKey: number,
  ...args: [Handle<R>] | [{ minVersion: number }, Handle<R>]
): ApiHandler {
  const api = apiSpec(apiKey);
  if (!api) throw new Error(`API ${apiKey} is not declared in the codec`);
  const [declaredMin, maxVersion] = api.request.validVersions;
  const [versions, handle] = args.length === 1 ? [{ minVersion: declaredMin }, args[0]] : args;
  if (versions.minVersion < declaredMin || versions.minVersion > maxVersion)
    throw new Error(
      `${api.name}: v${versions.minVersion} is outside the declared v${declaredMin}-${maxVersion}`,
    );
  return {
    apiKey,
    minVersion: versions.minVersion,
    maxVersion,
    handle: (ctx, conn, body, header) => handle(ctx, conn, body as unknown as R, header),
  };
}
