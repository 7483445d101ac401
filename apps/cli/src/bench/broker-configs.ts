// The configuration files the bench gives each broker it starts. Ours is generated in exactly one function, so
// when the broker grows storage options the bench sets them in one place.

export const ROBUSTMQ_STORAGE_TYPES = ['memory', 'rocksdb'] as const;
export type RobustmqStorage = (typeof ROBUSTMQ_STORAGE_TYPES)[number];

export interface RobustmqBenchConfig {
  /** memory matches mosquitto's `persistence false`; rocksdb makes every PUBLISH a durable append */
  storage: RobustmqStorage;
  tcpPort: number;
  httpPort: number;
  /** a scratch directory of this run, so nothing is written under the caller's working directory */
  dataDir: string;
}

/** TOML for `node apps/mqtt-broker/dist/main.js --config`: a lone broker (no placement), quiet logs. */
export function robustmqToml(config: RobustmqBenchConfig): string {
  return [
    '[node]',
    `data_dir = ${JSON.stringify(config.dataDir)}`,
    '[network]',
    'host = "127.0.0.1"',
    `tcp_port = ${config.tcpPort}`,
    'ws_enabled = false',
    `http_port = ${config.httpPort}`,
    // a lone broker on local storage needs few descriptors of its own: let clients have nearly all of the 20,000
    // this machine allows a process (the default budget keeps a fifth back for storage and the cluster)
    'max_sockets = 19500',
    '[storage]',
    `type = ${JSON.stringify(config.storage)}`,
    '[placement]',
    'enabled = false',
    '[log]',
    'level = "warn"',
    '',
  ].join('\n');
}

export interface RobustmqJournalBenchConfig {
  tcpPort: number;
  /** free ports of the placement center, the journal server and the broker's other listeners */
  ports: {
    pcGrpc: number;
    pcHttp: number;
    jsData: number;
    jsGrpc: number;
    jsHttp: number;
    brokerHttp: number;
    brokerGrpc: number;
    /** the Kafka broker the quick start also runs: off its default ports, which tests on this machine may hold */
    kafka: number;
    kafkaHttp: number;
  };
}

/**
 * The config dir of `robustmq start` as the quick start runs it — placement center, journal server and broker in one
 * process — on free ports: the broker's storage is left unset, so it picks the journal server it finds (one replica),
 * with acks = all of that replica before a QoS 1/2 PUBACK.
 */
export function robustmqJournalConfigs(config: RobustmqJournalBenchConfig): Record<string, string> {
  const { ports } = config;
  const log = '[log]\nlevel = "warn"\n';
  return {
    'placement-center.toml': `[network]\nhost = "127.0.0.1"\ngrpc_port = ${ports.pcGrpc}\nhttp_port = ${ports.pcHttp}\n${log}`,
    'journal-server.toml': `[network]\nhost = "127.0.0.1"\ndata_port = ${ports.jsData}\ngrpc_port = ${ports.jsGrpc}\nhttp_port = ${ports.jsHttp}\n${log}`,
    'mqtt-broker.toml':
      `[network]\nhost = "127.0.0.1"\ntcp_port = ${config.tcpPort}\nws_enabled = false\nhttp_port = ${ports.brokerHttp}\ngrpc_port = ${ports.brokerGrpc}\n` +
      `[storage]\njournal_acks = "all"\n${log}`,
    'kafka-broker.toml': `[network]\nhost = "127.0.0.1"\nport = ${ports.kafka}\nhttp_port = ${ports.kafkaHttp}\n${log}`,
  };
}

/**
 * mosquitto.conf for the comparison broker. Its defaults would drop QoS 0 and QoS 1 messages once 1,000 are queued
 * for a client and cap in-flight QoS 1 at 20, which would make it look faster or slower for reasons that are not
 * speed; unlimited queue and in-flight make both brokers deliver everything.
 */
export function mosquittoConf(port: number): string {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'max_inflight_messages 0',
    'max_queued_messages 0',
    'set_tcp_nodelay true',
    'persistence false',
    'log_dest none',
    '',
  ].join('\n');
}

/** One line for the report on how each broker was configured. */
export const BROKER_SETUP_NOTES = {
  robustmq: (storage: RobustmqStorage) =>
    `robustmq: \`node apps/mqtt-broker/dist/main.js\`, storage \`${storage}\`, placement disabled (lone broker), ` +
    'log level warn',
  'robustmq-journal': (_storage: RobustmqStorage) =>
    'robustmq-journal: `node apps/cli/dist/robustmq.js start` (the quick start: placement center, journal server and ' +
    'broker in one process), broker storage `journal` (1 replica, acks = all), log level warn; its CPU is the whole process',
  mosquitto: (_storage: RobustmqStorage) =>
    'mosquitto: `max_queued_messages 0` (unlimited queue, so neither QoS 0 nor QoS 1 messages are dropped), ' +
    '`max_inflight_messages 0`, `set_tcp_nodelay true`, `persistence false`, `log_dest none`',
  aedes: (_storage: RobustmqStorage) =>
    'aedes: aedes 1.x with its in-memory persistence and mqemitter defaults, TCP no-delay (`apps/cli/dist/bench/aedes-broker.js`)',
} as const;
