import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';
import {
  ConfigError,
  address,
  clusterAuthKeys,
  envName,
  loadConfig,
  logSection,
  port,
  section,
  serviceConfig,
  serviceKeys,
  z,
} from '@robustmq/common';

const schema = z.strictObject({
  network: section({
    host: z.string().default('0.0.0.0'),
    port: port().default(1883),
    nodelay: z.boolean().default(true),
  }),
  placement: section({ addresses: z.array(address()).min(1).default(['127.0.0.1:1228']) }),
  log: logSection(),
});

const dir = tempDir('config', testScope());

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('fills every key with its default when there is no file and no env', () => {
    expect(loadConfig(schema, { env: {} })).toEqual({
      network: { host: '0.0.0.0', port: 1883, nodelay: true },
      placement: { addresses: ['127.0.0.1:1228'] },
      log: { level: 'info' },
    });
  });

  it('reads a TOML file and keeps defaults for keys it leaves out', () => {
    const config = loadConfig(schema, { file: file('a.toml', '[network]\nport = 11883\n'), env: {} });
    expect(config.network).toEqual({ host: '0.0.0.0', port: 11883, nodelay: true });
  });

  it('lets ROBUSTMQ_<SECTION>_<KEY> override the file, typed by the schema', () => {
    const config = loadConfig(schema, {
      file: file('b.toml', '[network]\nport = 11883\n'),
      env: {
        ROBUSTMQ_NETWORK_PORT: '2883',
        ROBUSTMQ_NETWORK_NODELAY: 'false',
        ROBUSTMQ_PLACEMENT_ADDRESSES: 'a:1,b:2',
        ROBUSTMQ_LOG_LEVEL: 'debug',
      },
    });
    expect(config.network.port).toBe(2883);
    expect(config.network.nodelay).toBe(false);
    expect(config.placement.addresses).toEqual(['a:1', 'b:2']);
    expect(config.log.level).toBe('debug');
    expect(envName('network', 'grpc_port')).toBe('ROBUSTMQ_NETWORK_GRPC_PORT');
  });

  it('names the key, the bad value and its source when validation fails', () => {
    expect(() => loadConfig(schema, { env: { ROBUSTMQ_NETWORK_PORT: 'abc' } })).toThrow(
      /network\.port = "abc" \(from env ROBUSTMQ_NETWORK_PORT\)/,
    );
    const path = file('c.toml', '[network]\nport = 70000\n');
    expect(() => loadConfig(schema, { file: path, env: {} })).toThrow(
      /network\.port = 70000 \(from .*c\.toml\): must be a port/,
    );
    expect(() => loadConfig(schema, { env: { ROBUSTMQ_LOG_LEVEL: 'loud' } })).toThrow(/log\.level = "loud"/);
    expect(() => loadConfig(schema, { env: { ROBUSTMQ_PLACEMENT_ADDRESSES: 'nohost' } })).toThrow(
      /placement\.addresses\.0 = "nohost".*must be host:port/,
    );
  });

  it('rejects unknown keys and sections instead of ignoring a typo', () => {
    expect(() => loadConfig(schema, { file: file('d.toml', '[network]\nprot = 1\n'), env: {} })).toThrow(
      /\[network\] unknown key\(s\) "prot"/,
    );
    expect(() => loadConfig(schema, { file: file('e.toml', '[netwrk]\nport = 1\n'), env: {} })).toThrow(
      /unknown key\(s\) "netwrk"/,
    );
  });

  it('reports unreadable files and invalid TOML as ConfigError', () => {
    expect(() => loadConfig(schema, { file: join(dir, 'missing.toml') })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { file: file('f.toml', '[network\nport = 1') })).toThrow(
      /not valid TOML/,
    );
    expect(() => loadConfig(schema, { file: file('g.toml', 'port = 1\n') })).toThrow(
      /must be a \[section\] table/,
    );
  });

  it('applies programmatic overrides last', () => {
    const config = loadConfig(schema, {
      env: { ROBUSTMQ_NETWORK_PORT: '2883' },
      overrides: { network: { port: 0 } },
    });
    expect(config.network.port).toBe(0);
  });
});

describe('serviceConfig', () => {
  const service = serviceConfig({
    node: section({ ...serviceKeys.node('./data/x') }),
    cluster: section({ members: z.array(z.string()).default([]), ...clusterAuthKeys() }),
  });

  it('adds the [http], [cluster] and [log] sections every service has, after its own', () => {
    const config = service.load({ env: { ROBUSTMQ_HTTP_ADMIN_TOKEN: 's3cret' } });
    expect(Object.keys(config)).toEqual(['node', 'cluster', 'http', 'log']);
    expect(config.node).toEqual({ cluster_name: 'robustmq', data_dir: './data/x' });
    expect(config.http.admin_token).toBe('s3cret');
    expect(config.log.level).toBe('info');
  });

  it("keeps a service's own section of a shared name (its cluster members next to the auth keys)", () => {
    const config = service.load({
      file: file('s.toml', '[cluster]\nmembers = ["1@h:1"]\nauth_token = "t"\n'),
      env: {},
    });
    expect(config.cluster).toMatchObject({ members: ['1@h:1'], auth_token: 't' });
  });

  it('names a shared key that is wrong', () => {
    expect(() => service.load({ overrides: { node: { cluster_name: '' } }, env: {} })).toThrow(
      /node\.cluster_name.*must not be empty/s,
    );
  });
});
