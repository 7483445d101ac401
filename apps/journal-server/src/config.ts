// The journal server's configuration: schema (with defaults), type and loader. Keys are documented in
// docs/configuration.md; every key can be overridden by ROBUSTMQ_<SECTION>_<KEY>.
import { port, positiveMs, section, serviceConfig, serviceKeys, z } from '@robustmq/common';

const journalServerConfig = serviceConfig({
  node: section({
    id: z.number().int().min(1, 'must be a positive node id').default(1),
    ...serviceKeys.node('./data/journal-server'),
  }),
  network: section({
    ...serviceKeys.network(),
    data_port: port().default(1778),
    grpc_port: port().default(2228),
    http_port: port().default(2227),
    /** sockets open at once on the data port; more are closed on accept (journal_limit_hits_total). 0 = derived from
     * the open-file limit. */
    max_data_connections: z
      .number()
      .int()
      .min(0, 'must be >= 0 (0 = derived from the open-file limit)')
      .default(0),
  }),
  placement: section({
    ...serviceKeys.placement(),
  }),
  storage: section({
    /** largest data-port frame accepted; a longer length prefix is answered with FRAME_TOO_LARGE and the connection closed. */
    max_frame_bytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    /** how often sealed segments are checked against their shard's retention (placement retention_ms / retention_bytes). */
    retention_check_interval_ms: positiveMs().default(60_000),
    /** a write that lands while a segment's fdatasync runs gets its own fdatasync at once (through a second file
     * descriptor) instead of after the running one: an append then waits for one fdatasync, not up to two. */
    overlap_syncs: z.boolean().default(true),
    /** once a segment file has grown past 64 KiB, a write that passes its end also writes zeros up to this many bytes
     * (at most the file's size) past it, so the fdatasyncs of the appends that land on them commit no new file size
     * to the filesystem's journal (storage/segment-file.ts); 0 = off. */
    preallocate_bytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .default(0),
  }),
  replication: section({
    /** leaders send a heartbeat to idle followers this often. */
    heartbeat_interval_ms: positiveMs().default(200),
    /** a follower that heard nothing from its leader for this long checks the leader and takes over if it is gone. */
    leader_lease_ms: positiveMs().default(3_000),
    /** how often followers look for silent leaders. */
    leader_check_interval_ms: positiveMs().default(500),
    /** deadline of one replication request. */
    request_timeout_ms: positiveMs().default(10_000),
    /** most record bytes in one Replicate request. */
    max_replicate_bytes: z
      .number()
      .int()
      .min(4096)
      .default(2 * 1024 * 1024),
  }),
});

export const journalServerConfigSchema = journalServerConfig.schema;
export type JournalServerConfig = z.infer<typeof journalServerConfigSchema>;
export const loadJournalServerConfig = journalServerConfig.load;
