// The journal server's configuration: schema (with defaults), type and loader. Keys are documented in
// docs/configuration.md; every key can be overridden by ROBUSTMQ_<SECTION>_<KEY>.
import { address, loadConfig, logSection, port, positiveMs, section, z, type LoadConfigOptions } from '@robustmq/common';

export const journalServerConfigSchema = z.strictObject({
  node: section({
    id: z.number().int().min(1, 'must be a positive node id').default(1),
    cluster_name: z.string().min(1).default('robustmq'),
    data_dir: z.string().min(1).default('./data/journal-server'),
  }),
  network: section({
    host: z.string().min(1).default('0.0.0.0'),
    /** the host other nodes and clients dial; registered with placement. */
    advertise_host: z.string().min(1).default('127.0.0.1'),
    data_port: port().default(1778),
    grpc_port: port().default(2228),
    http_port: port().default(2227),
  }),
  placement: section({
    addresses: z.array(address()).min(1, 'needs at least one placement address').default(['127.0.0.1:1228']),
    heartbeat_interval_ms: positiveMs().default(1_000),
  }),
  log: logSection(),
});

export type JournalServerConfig = z.infer<typeof journalServerConfigSchema>;

export function loadJournalServerConfig(options: LoadConfigOptions = {}): JournalServerConfig {
  return loadConfig(journalServerConfigSchema, options);
}
