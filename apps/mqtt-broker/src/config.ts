// The broker's configuration: one zod schema (the single source of keys, types and defaults), the `MqttBrokerConfig`
// type it infers, and the loader that applies TOML file, ROBUSTMQ_<SECTION>_<KEY> environment and overrides.
import { clientTlsKeys, port, positiveMs, section, serviceConfig, serviceKeys, z } from '@robustmq/common';
import { STORAGE_TYPES } from '@robustmq/storage-adapter';
import { AUTH_STORAGE_TYPES } from './auth/auth-storage-adapter.js';
import { AUTHENTICATOR_TYPES } from './auth/authenticator.js';

/** the storage adapters the broker can run on: every type @robustmq/storage-adapter's factory builds. */
export { STORAGE_TYPES };

/** a MySQL database or table name, kept to characters that need no quoting anywhere. */
const sqlName = () => z.string().regex(/^[A-Za-z0-9_$]{1,64}$/, "must be 1-64 letters, digits, '_' or '$'");

const seconds = () =>
  z.number().int().min(0, 'must be a number of seconds >= 0').max(65535, 'must be at most 65535 seconds');

const mqttBrokerConfig = serviceConfig({
  node: section({
    id: z.number().int().nonnegative('must be a node id >= 0').default(1),
    /** the rocksdb storage adapter keeps its database in `<data_dir>/storage`. */
    ...serviceKeys.node('./data/mqtt-broker'),
  }),
  network: section({
    ...serviceKeys.network(),
    tcp_port: port().default(1883),
    /** MQTT over TLS; served only when `tls.cert_file` and `tls.key_file` are set. */
    tls_port: port().default(8883),
    /** MQTT over WebSocket at path /mqtt. */
    ws_port: port().default(8083),
    /** MQTT over secure WebSocket at path /mqtt; served only when a certificate is configured. */
    wss_port: port().default(8084),
    /** false: no plain WebSocket listener (TLS listeners follow the certificate instead). */
    ws_enabled: z.boolean().default(true),
    http_port: port().default(9982),
    /** sockets open at once across the MQTT listeners (TCP, TLS, WS, WSS), before or after CONNECT; more are closed
     * on accept (counted in mqtt_limit_hits_total). 0 = derived from the process's open-file limit. */
    max_sockets: z.number().int().min(0, 'must be >= 0 (0 = derived from the open-file limit)').default(0),
    /** the broker's inner gRPC service (proto/mqtt/broker-inner.proto), which the placement leader calls to publish due
     * wills and drop expired sessions; served (and registered) only with placement enabled. */
    grpc_port: port().default(9981),
  }),
  mqtt: section({
    /** largest packet accepted from a client, in bytes; also announced to MQTT 5 clients in CONNACK. */
    max_packet_size: z
      .number()
      .int()
      .min(64, 'must be at least 64 bytes')
      .max(268_435_455, 'must be at most 268435455 bytes (the MQTT limit)')
      .default(1_048_576),
    /** connected clients at most; further CONNECTs are answered "server unavailable" / "server busy". 0 = the
     * socket cap (`network.max_sockets`). */
    max_connections: z
      .number()
      .int()
      .min(0, 'must be a number of connections >= 0 (0 = network.max_sockets)')
      .default(0),
    /** the longest keep-alive granted to MQTT 5 clients (via Server Keep Alive); 0 = no limit. MQTT 3.1/3.1.1 clients
     * cannot be told a different value, so theirs is used as asked. */
    keep_alive_max: seconds().default(3600),
    /** keep-alive imposed on MQTT 5 clients that ask for none (0); 0 = honour "no keep-alive". */
    default_keep_alive: seconds().default(0),
    /** a socket that has not sent CONNECT after this long is closed. */
    connect_timeout_ms: positiveMs().default(10_000),
    /** longest client id accepted (MQTT 3.1 always limits it to 23). */
    max_client_id_length: z
      .number()
      .int()
      .min(23, 'must be at least 23 (the MQTT minimum)')
      .max(65535)
      .default(65535),
    /** bytes queued to a slow subscriber's socket beyond which new messages to it are dropped (and counted). */
    max_write_buffer_bytes: z
      .number()
      .int()
      .positive('must be a positive number of bytes')
      .default(16 * 1024 * 1024),
    /** outgoing QoS 1/2 messages in flight per client at most (MQTT 5 clients may lower it with Receive Maximum);
     * further messages wait in the message log and are read from it as acknowledgements arrive. */
    max_inflight: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(65535, 'must be at most 65535')
      .default(1000),
    /** longest session expiry granted, in seconds; 0 = no limit. MQTT 3.x persistent sessions (clean session = 0)
     * get exactly this (0: they never expire); MQTT 5 clients asking for more are told this in CONNACK. */
    session_expiry_max: z
      .number()
      .int()
      .min(0, 'must be a number of seconds >= 0')
      .max(0xffffffff)
      .default(0),
    /** topic aliases an MQTT 5 client may use towards us (Topic Alias Maximum in CONNACK); 0 = none. */
    topic_alias_max: z.number().int().min(0).max(65535, 'must be at most 65535').default(65535),
    /** incoming QoS 1/2 PUBLISH not yet acknowledged per MQTT 5 client (Receive Maximum in CONNACK); more → 0x93. */
    receive_maximum: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(65535, 'must be at most 65535')
      .default(65535),
    /** incoming QoS 2 messages awaiting PUBREL per session, any protocol version; more → PUBREC 0x97 (5) / close (3.x). */
    max_awaiting_rel: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(65535, 'must be at most 65535')
      .default(1000),
    /** least time between two commits of one session's position in the message log (and of one broker's shared
     * group positions), ms; 0 = one commit in flight at a time, the next as soon as it completes. Bounds position
     * writes (placement Raft writes in a cluster) per session and second; the cost is that a broker's death may send
     * again what was acknowledged within the last interval (plus one commit's time). */
    position_commit_interval_ms: z
      .number()
      .int()
      .min(0, 'must be a number of milliseconds >= 0')
      .max(60_000, 'must be at most 60000 (a minute)')
      .default(10),
    /** a session further behind the message log than this many messages skips QoS 0 messages (counted as dropped). */
    max_queued_messages: z.number().int().min(1, 'must be at least 1').default(100_000),
    /** which QoS 0 messages a lone broker appends to its message log: "needed" = only those a session reading the
     * log (away, connecting, catching up) subscribes to — the others reach every subscriber from memory; "always" =
     * every one. A cluster broker's shared log always carries every message. */
    qos0_log: z.enum(['needed', 'always']).default('needed'),
    /** most levels in a topic name or filter; more → 0x90 / SUBACK 0x8F. */
    max_topic_levels: z.number().int().min(1, 'must be at least 1').max(65535).default(128),
    /** longest topic name or filter, bytes; longer → 0x90 / SUBACK 0x8F. */
    max_topic_length: z.number().int().min(1, 'must be at least 1').max(65535).default(65535),
    /** longest delay of `$delayed/N/topic`, seconds. */
    delayed_publish_max_s: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .default(86_400 * 7),
    /** period of the retained `$SYS/brokers/<node>/…` topics, seconds; 0 = not published. */
    sys_interval_s: z.number().min(0, 'must be a number of seconds >= 0').default(10),
  }),
  /** the TLS and WSS listeners' certificate; no cert_file = those listeners are off. */
  tls: section(clientTlsKeys()),
  storage: section({
    /** where messages and session state are kept: "journal" (the journal cluster found through placement),
     * "rocksdb" (embedded, under node.data_dir), "mysql" (the [auth] mysql_* connection keys) or "memory" (lost on
     * restart). Unset: chosen at the first start-up (journal when placement lists a journal server, else rocksdb)
     * and remembered in node.data_dir, so a later start never silently switches stores. */
    type: z
      .enum(STORAGE_TYPES, { error: () => `must be one of ${STORAGE_TYPES.map((t) => `"${t}"`).join(', ')}` })
      .optional(),
    /** sealed segments of the message log older than this are removed (hourly); 0 = keep forever. */
    message_retention_s: z
      .number()
      .int()
      .min(0, 'must be a number of seconds >= 0')
      .default(7 * 24 * 3600),
    /** the shared message log (brokers on journal storage): appends in flight at once. Above 1 the next batch goes
     * out while the previous one waits for its fsync, in one ordered chain (docs/architecture.md "Pipelined appends
     * to the shared log"); 1 = one at a time. */
    log_appends_in_flight: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(16, 'must be at most 16')
      .default(4),
    /** type "journal": journal_replicas, journal_acks (when an append, and so a QoS 1/2 acknowledgement, counts as
     * durable) and journal_namespace (empty = "mqtt-broker-<node.id>"). */
    ...serviceKeys.journal(),
  }),
  auth: section({
    /** clients without a username may connect; with a username they are always checked against the auth storage. */
    allow_anonymous: z.boolean().default(true),
    /** what an ACL check answers when no rule matches. */
    acl_default: z.enum(['allow', 'deny']).default('allow'),
    /** where users, ACL rules and the blacklist live: "placement" or "mysql" (the mysql_* keys). */
    storage: z
      .enum(AUTH_STORAGE_TYPES, {
        error: () => `must be one of ${AUTH_STORAGE_TYPES.map((t) => `"${t}"`).join(', ')}`,
      })
      .default('placement'),
    /** how often ACL rules and the blacklist are re-read. */
    refresh_interval_ms: positiveMs().default(5_000),
    /** how a CONNECT's credentials are checked, in order; the first authenticator that allows or denies decides:
     * "storage" (passwords in the auth storage), "jwt" (the jwt_* keys), "http" (the http_* keys). */
    chain: z
      .array(
        z.enum(AUTHENTICATOR_TYPES, {
          error: () => `each entry must be one of ${AUTHENTICATOR_TYPES.map((t) => `"${t}"`).join(', ')}`,
        }),
      )
      .min(1, 'needs at least one authenticator')
      .refine((list) => new Set(list).size === list.length, 'lists an authenticator twice')
      .default(['storage']),
    /** jwt: HMAC secret (HS256/384/512); set one of jwt_secret, jwt_public_key_file, jwt_jwks_file. */
    jwt_secret: z.string().default(''),
    /** jwt: PEM public key (RSA, EC or Ed25519). */
    jwt_public_key_file: z.string().default(''),
    /** jwt: a JWKS file ({"keys": [...]}), the token's kid picks the key. */
    jwt_jwks_file: z.string().default(''),
    /** jwt: the CONNECT field carrying the token. */
    jwt_from: z.enum(['password', 'username']).default('password'),
    /** jwt: claim holding the client's user name (falls back to sub). */
    jwt_username_claim: z.string().min(1).default('username'),
    /** jwt: boolean claim making the client a superuser. */
    jwt_superuser_claim: z.string().min(1).default('superuser'),
    /** jwt: claim holding the client's ACL ({"pub": [...], "sub": [...], "all": [...]}). */
    jwt_acl_claim: z.string().min(1).default('acl'),
    /** jwt: required iss / aud claims when not empty. */
    jwt_issuer: z.string().default(''),
    jwt_audience: z.string().default(''),
    /** http: the URL credentials are POSTed to (http:// or https://). */
    http_url: z.string().default(''),
    /** http: a CONNECT fails as "server unavailable" when the service takes longer. */
    http_timeout_ms: positiveMs().default(5_000),
    /** http: how long an answer is reused for the same client id, credentials and address; 0 = never. */
    http_cache_ttl_ms: z.number().int().min(0).default(60_000),
    http_cache_max_entries: z.number().int().min(1).default(10_000),
    /** storage = "mysql": mysql://user:password@host:3306/database; when set, host and port come from it, and user,
     * password and database too when it has them (else from the mysql_* keys). */
    mysql_url: z
      .string()
      .refine(
        (v) => v === '' || (/^(mysql|mariadb):\/\/[^/]/.test(v) && URL.canParse(v)),
        'must be empty or mysql://user:password@host:3306/database',
      )
      .default(''),
    mysql_host: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    mysql_port: z
      .number()
      .int()
      .min(1, 'must be a port number 1-65535')
      .max(65535, 'must be a port number 1-65535')
      .default(3306),
    mysql_user: z.string().min(1, 'must not be empty').default('root'),
    mysql_password: z.string().default(''),
    /** created when missing (with the tables), if the user may. */
    mysql_database: sqlName().default('robustmq'),
    mysql_pool_size: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .default(4),
    mysql_user_table: sqlName().default('mqtt_user'),
    mysql_acl_table: sqlName().default('mqtt_acl'),
    mysql_blacklist_table: sqlName().default('mqtt_blacklist'),
  }),
  placement: section({
    /** false runs the broker alone (tests of pure MQTT, or a broker without a cluster). */
    enabled: z.boolean().default(true),
    ...serviceKeys.placement(),
  }),
  /** limits on what one client or one address may do; all off (0) by default. See docs/configuration.md. */
  limits: section({
    /** new connections per second from one IP address (sustained); more are closed on accept. 0 = no limit. */
    connect_rate: z.number().min(0, 'must be >= 0 (0 = off)').default(0),
    /** connections one address may open in a burst above connect_rate (default: connect_rate, at least 1). */
    connect_burst: z.number().int().min(0).default(0),
    /** a client id that connects this many times within flapping_window_s is banned (0 = no flapping detection). */
    flapping_max_connects: z.number().int().min(0, 'must be >= 0 (0 = off)').default(0),
    flapping_window_s: z.number().positive('must be a positive number of seconds').default(60),
    /** how long a flapping client id is refused: CONNACK 0x8A Banned (MQTT 5) / 0x05 not authorized (3.x). */
    flapping_ban_s: z.number().positive('must be a positive number of seconds').default(300),
    /** PUBLISH packets per second one connection may send (sustained); beyond it the broker stops reading from the
     * client until it is back within the rate. 0 = no limit. */
    publish_rate: z.number().min(0, 'must be >= 0 (0 = off)').default(0),
    /** PUBLISH packets in a burst above publish_rate (default: publish_rate, at least 1). */
    publish_burst: z.number().int().min(0).default(0),
    /** PUBLISH bytes (whole packets) per second one connection may send; beyond it reading pauses likewise. 0 = no limit. */
    publish_bytes_rate: z.number().min(0, 'must be >= 0 (0 = off)').default(0),
    /** bytes in a burst above publish_bytes_rate (default: one second's worth, at least max_packet_size). */
    publish_bytes_burst: z.number().int().min(0).default(0),
  }),
});

export const mqttBrokerConfigSchema = mqttBrokerConfig.schema;
export type MqttBrokerConfig = z.infer<typeof mqttBrokerConfigSchema>;
/** Loads and validates the configuration; throws a ConfigError naming the offending key. */
export const loadMqttBrokerConfig = mqttBrokerConfig.load;
