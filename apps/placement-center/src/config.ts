// The placement center's configuration: schema (with defaults), type and loader. Keys are documented in
// docs/configuration.md; every key can be overridden by ROBUSTMQ_<SECTION>_<KEY>.
import { loadConfig, logSection, port, positiveMs, section, z, type LoadConfigOptions } from '@robustmq/common';

export const placementCenterConfigSchema = z.strictObject({
  node: section({
    id: z.number().int().min(1, 'must be a positive node id').default(1),
    cluster_name: z.string().min(1).default('robustmq'),
    data_dir: z.string().min(1).default('./data/placement-center'),
  }),
  network: section({
    host: z.string().min(1).default('0.0.0.0'),
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
  kv: section({
    /** KV change history kept for watches, in revisions behind the current one. */
    history_revisions: z.number().int().min(1, 'must keep at least one revision').default(100_000),
  }),
  http: section({
    /** when non-empty, every /api route needs `Authorization: Bearer <admin_token>` (/health and /metrics stay open). */
    admin_token: z.string().default(''),
  }),
  log: logSection(),
});

export type PlacementCenterConfig = z.infer<typeof placementCenterConfigSchema>;

export function loadPlacementCenterConfig(options: LoadConfigOptions = {}): PlacementCenterConfig {
  return loadConfig(placementCenterConfigSchema, options);
}
