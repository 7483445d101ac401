// [network] advertise_host: the address cluster status reports for this node, instead of the bind host.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { quietLogger } from './helpers.js';

describe('network.advertise_host', () => {
  let handle: PlacementCenterHandle | undefined;
  let dataDir = '';
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function statusWith(network: Record<string, unknown>): Promise<{ members: { grpcAddress: string; self: boolean }[] }> {
    dataDir = mkdtempSync(join(tmpdir(), 'robustmq-pc-advertise-'));
    const config = loadPlacementCenterConfig({
      env: {},
      overrides: { node: { data_dir: dataDir }, network: { host: '0.0.0.0', grpc_port: 0, http_port: 0, ...network } },
    });
    handle = await startPlacementCenter(config, { logger: quietLogger });
    const res = await fetch(`http://127.0.0.1:${handle.ports.http}/api/v1/cluster`);
    expect(res.status).toBe(200);
    return (await res.json()) as { members: { grpcAddress: string; self: boolean }[] };
  }

  it('is what cluster status reports instead of the wildcard bind host', async () => {
    const status = await statusWith({ advertise_host: 'pc-1.internal.example' });
    expect(status.members).toEqual([expect.objectContaining({ self: true, grpcAddress: `pc-1.internal.example:${handle!.ports.grpc}` })]);
  });

  it('defaults to 127.0.0.1, never the bind address 0.0.0.0', async () => {
    const status = await statusWith({});
    expect(status.members[0]!.grpcAddress).toBe(`127.0.0.1:${handle!.ports.grpc}`);
  });

  it('rejects an empty value with a clear message', () => {
    expect(() => loadPlacementCenterConfig({ env: { ROBUSTMQ_NETWORK_ADVERTISE_HOST: '' } })).toThrow(/advertise_host/);
  });
});
