// The placement center's configuration: schema (with defaults), type and loader. Keys are documented in
// docs/configuration.md; every key can be overridden by ROBUSTMQ_<SECTION>_<KEY>.
import {
  ConfigError,
  clusterAuthKeys,
  port,
  positiveMs,
  section,
  serviceConfig,
  serviceKeys,
  z,
  type LoadConfigOptions,
} from '@robustmq/common';

const placementCenterConfig = serviceConfig({
  node: section({
    id: z.number().int().min(1, 'must be a positive node id').default(1),
    ...serviceKeys.node('./data/placement-center'),
  }),
  network: section({
    ...serviceKeys.network(),
    grpc_port: port().default(1228),
    http_port: port().default(1227),
  }),
  heartbeat: section({
    /** a registered node that sends no heartbeat for this long is removed. */
    timeout_ms: positiveMs().default(10_000),
    /** how often the expiry check runs. */
    check_interval_ms: positiveMs().default(1_000),
    /** the interval told to nodes at registration. */
    interval_ms: positiveMs().default(1_000),
  }),
  scheduler: section({
    /** how often a member checks whether it leads: leader-only work (will messages, session expiry) starts and stops
     * with leadership. */
    leader_check_ms: positiveMs().default(200),
    /** a scheduled step that failed (no live broker, a broker call or a write failed) is tried again after this long. */
    retry_ms: positiveMs().default(1_000),
    /** deadline of one call to an MQTT broker's inner gRPC service (publishing a will, dropping a session). */
    broker_call_timeout_ms: positiveMs().default(3_000),
  }),
  kv: section({
    /** KV change history kept for watches, in revisions behind the current one. */
    history_revisions: z.number().int().min(1, 'must keep at least one revision').default(100_000),
  }),
  cluster: section({
    /** members of the placement Raft group as "id@host:grpc_port", this node included; empty = one node, no Raft. */
    members: z
      .array(z.string().regex(/^\d+@[^\s:@]+:\d{1,5}$/, 'must be "id@host:port", e.g. "1@127.0.0.1:1228"'))
      .default([]),
    /** true when this node joins a running group (added with POST /api/v1/cluster/members): it starts with no
     * membership of its own and learns it from the leader. */
    join: z.boolean().default(false),
    /** Raft clock tick; elections take election_ticks..2*election_ticks ticks. */
    tick_ms: positiveMs().default(100),
    election_ticks: z.number().int().min(2, 'must be at least 2').default(10),
    /** take a state snapshot and compact the Raft log after this many applied entries. */
    snapshot_entries: z.number().int().min(10, 'must be at least 10').default(10_000),
    /** where the Raft log lives: "segment" (append-only files in <data_dir>/raft-wal), "rocksdb" (the older log in
     * <data_dir>/raft-log), or "auto": the store a data dir already has, the segment log for a new one. */
    raft_log_store: z.enum(['auto', 'segment', 'rocksdb']).default('auto'),
    /** where the segment log's fdatasync runs: "pool" on libuv's thread pool (one hand-off per write; the main thread
     * keeps serving meanwhile) or "inline" on the main thread (no hand-off; the member stalls for each flush). */
    raft_log_flush: z.enum(['inline', 'pool', 'auto']).default('pool'),
    ...clusterAuthKeys(),
  }),
  /** the web console (docs/console.md), served on the HTTP port at `/`. */
  console: section({
    enabled: z.boolean().default(true),
    /** the built console's folder; empty = the one built with this package (apps/console/dist). */
    dir: z.string().default(''),
  }),
});

export const placementCenterConfigSchema = placementCenterConfig.schema;
export type PlacementCenterConfig = z.infer<typeof placementCenterConfigSchema>;

export function loadPlacementCenterConfig(options: LoadConfigOptions = {}): PlacementCenterConfig {
  const config = placementCenterConfig.load(options);
  clusterMembers(config);
  return config;
}

/** The Raft members from `[cluster] members`, checked to include this node; empty when running without Raft. */
export function clusterMembers(config: PlacementCenterConfig): Map<number, string> {
  const members = new Map<number, string>();
  for (const spec of config.cluster.members) {
    const at = spec.indexOf('@');
    const id = Number(spec.slice(0, at));
    if (members.has(id))
      throw new ConfigError(`invalid configuration:\n  cluster.members lists node ${id} twice`);
    members.set(id, spec.slice(at + 1));
  }
  if (members.size > 0 && !members.has(config.node.id)) {
    throw new ConfigError(
      `invalid configuration:\n  cluster.members does not include this node (node.id = ${config.node.id})`,
    );
  }
  return members;
}
