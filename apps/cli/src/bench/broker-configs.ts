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
    '[storage]',
    `type = ${JSON.stringify(config.storage)}`,
    '[placement]',
    'enabled = false',
    '[log]',
    'level = "warn"',
    '',
  ].join('\n');
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
  mosquitto: (_storage: RobustmqStorage) =>
    'mosquitto: `max_queued_messages 0` (unlimited queue, so neither QoS 0 nor QoS 1 messages are dropped), ' +
    '`max_inflight_messages 0`, `set_tcp_nodelay true`, `persistence false`, `log_dest none`',
} as const;
