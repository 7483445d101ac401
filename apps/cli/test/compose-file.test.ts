// deploy/docker-compose.yml and its two network overrides agree with the topology `robustmq cluster up` uses (member
// n: default ports + 10·(n-1)), with each other, and with the Prometheus targets — so adding a member in one place
// and forgetting another fails here instead of at `docker-compose up`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTopology } from '../src/cluster/topology.js';
import { ROOT } from '@robustmq/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (file: string): any => parse(readFileSync(join(ROOT, 'deploy', file), 'utf8'), { merge: true });
const compose = load('docker-compose.yml');
const host = load('docker-compose.host.yml');
const bridge = load('docker-compose.bridge.yml');
const robustmq = Object.keys(compose.services).filter((name) =>
  /^(placement-center|journal-server|mqtt-broker|kafka-broker)-\d+$/.test(name),
);

it('every member has the ports, id and addresses of the shared topology', () => {
  const count = (kind: string) => robustmq.filter((n) => n.startsWith(kind)).length;
  const topology = buildTopology({
    placement: count('placement-center'),
    journal: count('journal-server'),
    brokers: count('mqtt-broker'),
    kafkaBrokers: count('kafka-broker'),
    portOffset: 0,
    host: '127.0.0.1',
  });
  expect(count('kafka-broker')).toBeGreaterThan(0);
  expect(robustmq.sort()).toEqual(topology.map((m) => m.name).sort());
  for (const member of topology) {
    const env = compose.services[member.name].environment as Record<string, string>;
    expect(env.ROBUSTMQ_NODE_ID, member.name).toBe(String(member.nodeId));
    // Kafka brokers advertise the host Kafka clients dial (Metadata), the others their service name
    expect(env.ROBUSTMQ_NETWORK_ADVERTISE_HOST).toBe(
      member.kind === 'kafka-broker' ? '${KAFKA_ADVERTISE_HOST:-127.0.0.1}' : member.name,
    );
    for (const [key, port] of Object.entries(member.ports))
      expect(env[`ROBUSTMQ_NETWORK_${key.toUpperCase()}`], `${member.name} ${key}`).toBe(String(port));
    // the same addresses as the topology, with service names for 127.0.0.1
    const named = (value: string | undefined) =>
      value?.replace(
        /127\.0\.0\.1:(\d+)/g,
        (_, port) => `${topology.find((m) => Object.values(m.ports).includes(Number(port)))!.name}:${port}`,
      );
    if (member.env.ROBUSTMQ_CLUSTER_MEMBERS)
      expect(env.ROBUSTMQ_CLUSTER_MEMBERS).toBe(named(member.env.ROBUSTMQ_CLUSTER_MEMBERS));
    if (member.env.ROBUSTMQ_PLACEMENT_ADDRESSES)
      expect(env.ROBUSTMQ_PLACEMENT_ADDRESSES).toBe(named(member.env.ROBUSTMQ_PLACEMENT_ADDRESSES));
    expect(compose.services[member.name].volumes).toEqual([`${member.name}:/data`]);
    expect(Object.keys(compose.volumes)).toContain(member.name);
  }
});

it('both network overrides cover every service; host networking maps every name; Prometheus scrapes every member', () => {
  const services = Object.keys(compose.services).sort();
  expect(Object.keys(host.services).sort()).toEqual(services);
  expect(Object.keys(bridge.services).sort()).toEqual(services);
  const mapped = (host.services['placement-center-1'].extra_hosts as string[]).map((h) => h.split(':')[0]);
  for (const name of services.filter((s) => s !== 'grafana')) expect(mapped, name).toContain(name);
  for (const name of robustmq) {
    expect(host.services[name].network_mode).toBe('host');
    const http = compose.services[name].environment.ROBUSTMQ_NETWORK_HTTP_PORT as string;
    expect(bridge.services[name].ports, `${name} publishes its admin port`).toContain(`${http}:${http}`);
    expect(
      readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8'),
      `${name} is scraped`,
    ).toContain(`'${name}:${http}'`);
  }
  // internal ports stay private on the bridge
  for (const name of robustmq) {
    const env = compose.services[name].environment as Record<string, string>;
    for (const key of ['ROBUSTMQ_NETWORK_GRPC_PORT', 'ROBUSTMQ_NETWORK_DATA_PORT']) {
      if (env[key])
        expect(
          bridge.services[name].ports.some((p: string) => p.startsWith(`${env[key]}:`)),
          `${name} ${key}`,
        ).toBe(false);
    }
  }
});
