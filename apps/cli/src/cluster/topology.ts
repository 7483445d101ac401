// The multi-node layout shared by `robustmq cluster up` and deploy/docker-compose.yml: which members run, and the
// ports each one gets. Member n of a kind uses the default ports + 10·(n-1) (placement-center-2: gRPC 1238, HTTP
// 1237), and `portOffset` shifts every port (tests and a second local cluster use it to stay off the defaults).

export type MemberKind = 'placement-center' | 'journal-server' | 'mqtt-broker' | 'kafka-broker';

export interface MemberSpec {
  /** `<kind>-<n>`, also the name of its data dir and compose service */
  name: string;
  kind: MemberKind;
  nodeId: number;
  /** config keys of [network] → port */
  ports: Record<string, number>;
  /** ROBUSTMQ_* variables that make a stock `robustmq start --roles <kind>` this member */
  env: Record<string, string>;
}

export interface TopologyOptions {
  placement: number;
  journal: number;
  brokers: number;
  /** kafka-broker nodes (partitions on the journal cluster); absent = 0. */
  kafkaBrokers?: number;
  portOffset: number;
  host: string;
}

const BASE_PORTS: Record<MemberKind, Record<string, number>> = {
  'placement-center': { grpc_port: 1228, http_port: 1227 },
  'journal-server': { data_port: 1778, grpc_port: 2228, http_port: 2227 },
  'mqtt-broker': {
    tcp_port: 1883,
    tls_port: 8883,
    ws_port: 8083,
    wss_port: 8084,
    grpc_port: 9981,
    http_port: 9982,
  },
  'kafka-broker': { port: 9092, tls_port: 9093, http_port: 9095 },
};

export const MAX_MEMBERS = 9;

export function buildTopology(options: TopologyOptions): MemberSpec[] {
  const { portOffset, host } = options;
  const portsOf = (kind: MemberKind, n: number) =>
    Object.fromEntries(
      Object.entries(BASE_PORTS[kind]).map(([key, port]) => [key, port + 10 * (n - 1) + portOffset]),
    );
  const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

  const placementGrpc = range(options.placement).map(
    (n) => `${host}:${portsOf('placement-center', n).grpc_port}`,
  );
  const members =
    options.placement > 1
      ? range(options.placement)
          .map((n, i) => `${n}@${placementGrpc[i]}`)
          .join(',')
      : '';

  const member = (kind: MemberKind, n: number, extra: Record<string, string>): MemberSpec => {
    const ports = portsOf(kind, n);
    const env: Record<string, string> = {
      ROBUSTMQ_NODE_ID: String(n),
      ROBUSTMQ_NETWORK_HOST: host,
      ROBUSTMQ_NETWORK_ADVERTISE_HOST: host,
      ...extra,
    };
    for (const [key, port] of Object.entries(ports))
      env[`ROBUSTMQ_NETWORK_${key.toUpperCase()}`] = String(port);
    return { name: `${kind}-${n}`, kind, nodeId: n, ports, env };
  };

  return [
    ...range(options.placement).map((n) =>
      member('placement-center', n, members ? { ROBUSTMQ_CLUSTER_MEMBERS: members } : {}),
    ),
    ...range(options.journal).map((n) =>
      member('journal-server', n, { ROBUSTMQ_PLACEMENT_ADDRESSES: placementGrpc.join(',') }),
    ),
    // brokers keep messages and sessions on the journal cluster when there is one (a broker's death loses nothing)
    ...range(options.brokers).map((n) =>
      member('mqtt-broker', n, {
        ROBUSTMQ_PLACEMENT_ADDRESSES: placementGrpc.join(','),
        ROBUSTMQ_STORAGE_TYPE: options.journal > 0 ? 'journal' : 'rocksdb',
      }),
    ),
    // Kafka partitions are journal shards, so kafka-brokers need the journal cluster (checked by the caller)
    ...range(options.kafkaBrokers ?? 0).map((n) =>
      member('kafka-broker', n, { ROBUSTMQ_PLACEMENT_ADDRESSES: placementGrpc.join(',') }),
    ),
  ];
}
