// The Kafka broker's configuration: one zod schema (the single source of keys, types and defaults), the
// `KafkaBrokerConfig` type it infers, and the loader that applies TOML file, ROBUSTMQ_<SECTION>_<KEY> environment and
// overrides. Defaults are documented in docs/configuration.md.
import { clientTlsKeys, port, positiveMs, section, serviceConfig, serviceKeys, z } from '@robustmq/common';
import { STORAGE_TYPES } from '@robustmq/storage-adapter';

const kafkaBrokerConfig = serviceConfig({
  node: section({
    /** this broker's id: its Kafka node id (what Metadata names as a partition leader) and its placement node id. */
    id: z.number().int().nonnegative('must be a node id >= 0').max(0x7fffffff).default(1),
    /** the rocksdb storage adapter keeps its database in `<data_dir>/storage`. */
    ...serviceKeys.node('./data/kafka-broker'),
  }),
  network: section({
    /** advertise_host: what Metadata tells clients to dial. */
    ...serviceKeys.network(),
    /** the Kafka protocol listener, plaintext (Kafka's PLAINTEXT, or SASL_PLAINTEXT with [sasl] enabled). */
    port: port().default(9092),
    /** false: no plaintext listener; clients connect over TLS only (tls_port). */
    plaintext_enabled: z.boolean().default(true),
    /** the Kafka protocol over TLS (Kafka's SSL, or SASL_SSL with [sasl] enabled); served only when tls.cert_file is set. */
    tls_port: port().default(9093),
    /** the port Metadata and FindCoordinator name for the plaintext listener (Kafka's advertised.listeners): what
     * clients dial when it differs from `port` (NAT, a published container port); 0 = the bound port. */
    advertise_port: port().default(0),
    /** likewise for the TLS listener; 0 = the bound tls_port. */
    advertise_tls_port: port().default(0),
    /** the HTTP admin API (/health, /metrics). */
    http_port: port().default(9095),
    /** sockets open at once on the Kafka listeners (plaintext and TLS together); more are closed on accept, before any
     * TLS handshake. 0 = derived from the open-file limit. */
    max_sockets: z.number().int().min(0, 'must be >= 0 (0 = derived from the open-file limit)').default(0),
  }),
  kafka: section({
    /** largest request a client may send, bytes (Kafka's socket.request.max.bytes); a larger size closes the connection. */
    max_request_bytes: z
      .number()
      .int()
      .min(1024, 'must be at least 1024 bytes')
      .max(1024 * 1024 * 1024)
      .default(100 * 1024 * 1024),
    /** largest size a produced batch's records may decompress to, bytes; more is CORRUPT_MESSAGE. */
    max_uncompressed_batch_bytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
    /** partitions of a topic created by Metadata/Produce for a name that does not exist (auto_create_topics). */
    default_partitions: z.number().int().min(1, 'must be at least 1').max(10_000).default(1),
    /** create a topic on first use (Metadata with allowAutoTopicCreation, Produce) like Kafka's auto.create.topics.enable. */
    auto_create_topics: z.boolean().default(true),
    /** most partitions one topic may have. */
    max_partitions: z.number().int().min(1).max(100_000).default(1000),
    /** longest long poll a Fetch may ask for (max_wait_ms above this is cut). */
    max_fetch_wait_ms: positiveMs().default(30_000),
    /** requests of one connection being worked on at once; further reading waits. */
    max_inflight_requests: z.number().int().min(1).max(1000).default(32),
    /** a connection that sends nothing for this long is closed (Kafka's connections.max.idle.ms). */
    idle_timeout_ms: positiveMs().default(600_000),
    /** MQTT ↔ Kafka bridges (`[[kafka.bridges]]`, docs/kafka.md): MQTT messages on a topic filter copied into a Kafka
     * topic (key = MQTT topic, headers = MQTT 5 properties) and/or Kafka records of that topic published to MQTT. */
    bridges: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1-128 letters, digits, '.', '_' or '-'"),
          mqtt_filter: z.string().min(1),
          kafka_topic: z.string().min(1),
          direction: z
            .enum(['mqtt-to-kafka', 'kafka-to-mqtt', 'both'], {
              error: () => 'must be one of "mqtt-to-kafka", "kafka-to-mqtt", "both"',
            })
            .default('both'),
          /** Kafka → MQTT: the topic of a record whose key is not an MQTT topic matching mqtt_filter. */
          mqtt_topic: z.string().default(''),
          qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
          /** partitions of the Kafka topic when the bridge creates it. */
          partitions: z.number().int().min(1).max(10_000).default(1),
        }),
      )
      .default([]),
    /** the journal namespace of the MQTT cluster's message shard the bridges read and write (the MQTT brokers' shared
     * log, "mqtt-cluster" unless the MQTT brokers were configured otherwise). */
    bridge_mqtt_namespace: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
      .default('mqtt-cluster'),
  }),
  /** the group coordinator (consumer groups), with Kafka's group.* broker settings. */
  groups: section({
    /** group.min.session.timeout.ms / group.max.session.timeout.ms: a JoinGroup outside is INVALID_SESSION_TIMEOUT. */
    min_session_timeout_ms: positiveMs().default(6_000),
    max_session_timeout_ms: positiveMs().default(1_800_000),
    /** group.initial.rebalance.delay.ms: an empty group waits this long for more members before its first generation. */
    initial_rebalance_delay_ms: z.number().int().min(0).max(300_000).default(3_000),
    /** group.max.size: members of one group; one more is GROUP_MAX_SIZE_REACHED. */
    max_size: z.number().int().min(1).max(100_000).default(1_000),
    /** offset.metadata.max.bytes: longer commit metadata is OFFSET_METADATA_TOO_LARGE. */
    max_offset_metadata_bytes: z.number().int().min(0).max(1_048_576).default(4_096),
    /** groups with members one broker keeps in memory; a JoinGroup for one more gets COORDINATOR_NOT_AVAILABLE. */
    max_groups: z.number().int().min(1).max(10_000_000).default(100_000),
  }),
  /** the TLS listener's certificate (same keys as the MQTT broker's [tls]); no cert_file = no TLS listener. */
  tls: section(clientTlsKeys()),
  sasl: section({
    /** require SASL/PLAIN before any request but ApiVersions and the SASL exchange; users are the MQTT users kept in
     * placement (robust-ctl user add). false: no authentication. */
    enabled: z.boolean().default(false),
    /** what an authorization check answers when no ACL rule matches (the MQTT broker's [auth] acl_default); topic
     * creation and deletion never fall back to it (superuser or an ALL rule). Applies with enabled = true only. */
    acl_default: z.enum(['allow', 'deny']).default('allow'),
    /** how often the ACL rules are re-read from placement. */
    acl_refresh_interval_ms: positiveMs().default(5_000),
  }),
  storage: section({
    /** where partitions' records live: "journal" (the journal cluster found through placement, the designed data path),
     * or "rocksdb", "memory", "mysql" for a lone broker. */
    type: z
      .enum(STORAGE_TYPES, { error: () => `must be one of ${STORAGE_TYPES.map((t) => `"${t}"`).join(', ')}` })
      .default('journal'),
    /** type "journal": journal_replicas (of each partition's segments, fixed at topic creation), journal_acks (for
     * partitions created from now on; Kafka acks=1 and acks=-1 both wait for it; "quorum" is Kafka's acks=all with
     * min.insync.replicas at a majority: a partition keeps taking writes when one of three replicas dies, "all" would
     * stop it until the replica is back; acks=0 answers nothing) and journal_namespace (of the partitions' shards,
     * shared by every kafka-broker of the cluster; empty = "kafka-<node.cluster_name>"). */
    ...serviceKeys.journal(),
    /** records per journal segment (a segment is sealed after this many and the next one starts). */
    segment_records: z.number().int().min(100).default(100_000),
  }),
  placement: section({
    ...serviceKeys.placement(),
    /** how often the live kafka-broker list (partition leadership) is re-read from placement. */
    refresh_interval_ms: positiveMs().default(2000),
  }),
});

export const kafkaBrokerConfigSchema = kafkaBrokerConfig.schema;
export type KafkaBrokerConfig = z.infer<typeof kafkaBrokerConfigSchema>;
/** Loads and validates the configuration; throws a ConfigError naming the offending key. */
export const loadKafkaBrokerConfig = kafkaBrokerConfig.load;
