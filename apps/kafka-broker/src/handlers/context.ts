// What every request handler gets: the broker's collaborators (built once at start-up) and the state of the
// connection the request came on. One file per API under handlers/, like the MQTT broker's packet handlers; the table
// in handlers/index.ts says which APIs and versions this broker offers.
import type { Logger } from '@robustmq/common';
import type { KafkaValue, RequestHeader } from '@robustmq/protocol/kafka';
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
