// What every service's config spells the same way: the [node], [network] and [placement] keys they share, and the
// [http], [cluster] and [log] sections they all have, so that each service's schema states only what is its own.
import { z } from 'zod';
import { loadConfig, type ConfigSchema, type LoadConfigOptions } from './load.js';
import { address, logSection, positiveMs, section } from './schema-helpers.js';
import { clusterAuthKeys } from './cluster-auth.js';
import { adminAuthKeys } from '../http/admin-auth.js';
import { adminHttpLimitKeys } from '../http/http-server.js';

const nonEmpty = () => z.string().min(1, 'must not be empty');

/** The shared keys, spread into a service's own sections next to its own keys. */
export const serviceKeys = {
  /** [node] cluster_name and data_dir (each service has its own rule for node ids). */
  node: (dataDir: string) => ({
    cluster_name: nonEmpty().default('robustmq'),
    /** local state: the service's databases and logs live below it. */
    data_dir: nonEmpty().default(dataDir),
  }),
  /** [network] the bind address and the one others dial. */
  network: () => ({
    host: nonEmpty().default('0.0.0.0'),
    /** the host clients and other nodes should dial: what is registered with placement and reported in status. */
    advertise_host: nonEmpty().default('127.0.0.1'),
  }),
  /** [placement] where the placement center is and how often this node says it is alive. */
  placement: () => ({
    addresses: z.array(address()).min(1, 'needs at least one placement address').default(['127.0.0.1:1228']),
    heartbeat_interval_ms: positiveMs().default(1000),
  }),
  /** [storage] of a broker whose storage type "journal" keeps its data in shards of the journal cluster. */
  journal: () => ({
    /** replicas of each shard's segments; 0 = min(3, journal servers registered when the shard is created). */
    journal_replicas: z
      .number()
      .int()
      .min(0, 'must be 0 (automatic) or a replica count')
      .max(5, 'must be at most 5')
      .default(0),
    /** when an append counts as durable: "one" (the leader on disk), "quorum" or "all" replicas on disk. */
    journal_acks: z
      .enum(['one', 'quorum', 'all'], { error: () => 'must be one of "one", "quorum", "all"' })
      .default('quorum'),
    /** the placement namespace of the broker's shards; empty = a name of the broker's own. */
    journal_namespace: z
      .string()
      .regex(
        /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})?$/,
        "must be empty or 1-128 letters, digits, '.', '_' or '-' (starting with a letter or digit)",
      )
      .default(''),
  }),
};

/**
 * A service's config: its own sections plus [http] (admin tokens and connection limits of the HTTP API, see
 * docs/admin-api.md; no token = open), [cluster] (the shared secret and TLS of cluster-internal channels) and [log].
 * A section of the service's own by one of those names replaces it (the placement center's [cluster] also lists the
 * Raft members). `load` applies the TOML file, ROBUSTMQ_<SECTION>_<KEY> environment and overrides, and throws a
 * ConfigError naming the offending key.
 */
export function serviceConfig<T extends Record<string, z.ZodType>>(shape: T) {
  const standard = {
    http: section({ ...adminAuthKeys(), ...adminHttpLimitKeys() }),
    cluster: section(clusterAuthKeys()),
    log: logSection(),
  };
  const notOwn = Object.fromEntries(Object.entries(standard).filter(([name]) => !(name in shape)));
  const schema = z.strictObject({ ...shape, ...(notOwn as Omit<typeof standard, keyof T>) });
  type Config = z.infer<typeof schema>;
  return {
    schema,
    load: (options: LoadConfigOptions = {}): Config => loadConfig(schema as ConfigSchema, options) as Config,
  };
}
