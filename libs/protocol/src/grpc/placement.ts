// Typed entry points to the placement center's gRPC services: definitions for servers, client classes for callers.
import { grpcService, placementProtos } from './loader.js';
import { ClusterType } from '../generated/robustmq/placement/ClusterType.js';
import type { ClusterServiceClient } from '../generated/robustmq/placement/ClusterService.js';
import type { KvServiceClient } from '../generated/robustmq/placement/KvService.js';

export type {
  ClusterServiceClient,
  ClusterServiceHandlers,
} from '../generated/robustmq/placement/ClusterService.js';
export type { KvServiceClient, KvServiceHandlers } from '../generated/robustmq/placement/KvService.js';
export type { NodeInfo, NodeInfo__Output } from '../generated/robustmq/placement/NodeInfo.js';
export type { ClusterType } from '../generated/robustmq/placement/ClusterType.js';
export type { KeyValue__Output } from '../generated/robustmq/placement/KeyValue.js';
export type { SetRequest__Output } from '../generated/robustmq/placement/SetRequest.js';
export type { SetReply } from '../generated/robustmq/placement/SetReply.js';
export type { GetRequest__Output } from '../generated/robustmq/placement/GetRequest.js';
export type { GetReply } from '../generated/robustmq/placement/GetReply.js';
export type { DeleteRequest__Output } from '../generated/robustmq/placement/DeleteRequest.js';
export type { DeleteReply } from '../generated/robustmq/placement/DeleteReply.js';
export type { ExistsRequest__Output } from '../generated/robustmq/placement/ExistsRequest.js';
export type { ExistsReply } from '../generated/robustmq/placement/ExistsReply.js';
export type { CompareAndSetRequest__Output } from '../generated/robustmq/placement/CompareAndSetRequest.js';
export type { CompareAndSetReply } from '../generated/robustmq/placement/CompareAndSetReply.js';
export type { BatchOp } from '../generated/robustmq/placement/BatchOp.js';
export type { BatchRequest__Output } from '../generated/robustmq/placement/BatchRequest.js';
export type { BatchOpResult, BatchOpResult__Output } from '../generated/robustmq/placement/BatchOpResult.js';
export type { BatchReply, BatchReply__Output } from '../generated/robustmq/placement/BatchReply.js';
export type {
  BatchStreamRequest,
  BatchStreamRequest__Output,
} from '../generated/robustmq/placement/BatchStreamRequest.js';
export type {
  BatchStreamReply,
  BatchStreamReply__Output,
} from '../generated/robustmq/placement/BatchStreamReply.js';

export * from './placement-mqtt.js';
export * from './placement-journal.js';

const cluster = grpcService<ClusterServiceClient>(
  () => placementProtos().cluster.robustmq.placement.ClusterService,
);
const kv = grpcService<KvServiceClient>(() => placementProtos().kv.robustmq.placement.KvService);
export const clusterServiceDefinition = cluster.definition;
export const kvServiceDefinition = kv.definition;
export const newClusterClient = cluster.newClient;
export const newKvClient = kv.newClient;

/**
 * Every node kind, as the string enum values proto-loader decodes them to — derived from the one declaration, the
 * ClusterType enum in proto/placement/common.proto (a new kind is one line there and `npm run proto`).
 */
export type ClusterTypeName = Exclude<
  (typeof ClusterType)[keyof typeof ClusterType],
  'CLUSTER_TYPE_UNSPECIFIED'
>;
export const CLUSTER_TYPE_NAMES: readonly ClusterTypeName[] = Object.values(ClusterType).filter(
  (t): t is ClusterTypeName => t !== ClusterType.CLUSTER_TYPE_UNSPECIFIED,
);

/** Named constants for code that refers to one kind; `satisfies` keeps them in step with the proto enum. */
export const ClusterTypes = {
  placementCenter: 'PLACEMENT_CENTER',
  journalServer: 'JOURNAL_SERVER',
  mqttBroker: 'MQTT_BROKER',
  kafkaBroker: 'KAFKA_BROKER',
} as const satisfies Record<string, ClusterTypeName>;

/**
 * gRPC metadata key (and HTTP header) with which a placement member that is not the leader names the leader's
 * address, so a client goes there instead of trying members in turn.
 */
export const LEADER_HINT_KEY = 'x-robustmq-leader';
