// @robustmq/placement-client: the client of the placement center — one client per placement service (cluster, KV,
// MQTT metadata, journal metadata) over one shared connection with leader-following failover — and the node
// registrar that keeps a data-plane node registered. Its own library (not @robustmq/common) because it is a client
// of one service that grows with that service, and most users of common (config, logs, metrics) never call it.
export { PlacementClient } from './placement-client.js';
export {
  PlacementConnection,
  PlacementError,
  orUndefined,
  type PlacementClientOptions,
  type PlacementService,
} from './connection.js';
export { ClusterClient } from './cluster-client.js';
export { KvClient, type KvEntry, type WatchEvent } from './kv-client.js';
export { MqttMetadataClient, type MqttResourceRecord } from './mqtt-client.js';
export { JournalMetadataClient, type SealSegmentRequest } from './journal-client.js';
export { NodeRegistrar, type NodeRegistrarOptions } from './node-registrar.js';
export { Backoff, sleep, type BackoffOptions } from './backoff.js';
