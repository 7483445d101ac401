// [network] advertise_host: the address cluster status reports for this node, instead of the bind host.
import { describe, expect, it } from 'vitest';
import { loadPlacementCenterConfig, type PlacementCenterHandle } from '@robustmq/placement-center';
import { testScope } from '@robustmq/testing';
import { startTestPlacement } from '@robustmq/testing/placement';

describe('network.advertise_host', () => {
  const scope = testScope('each');
  let handle: PlacementCenterHandle | undefined;

  async function statusWith(
    network: Record<string, unknown>,
  ): Promise<{ members: { grpcAddress: string; self: boolean }[] }> {
    const placement = scope.add(
      await startTestPlacement({ overrides: { network: { host: '0.0.0.0', ...network } } }),
    );
    handle = placement.handle;
    const res = await fetch(`${placement.http}/api/v1/cluster`);
    expect(res.status).toBe(200);
    return (await res.json()) as { members: { grpcAddress: string; self: boolean }[] };
  }

  it('is what cluster status reports instead of the wildcard bind host', async () => {
    const status = await statusWith({ advertise_host: 'pc-1.internal.example' });
    expect(status.members).toEqual([
      expect.objectContaining({ self: true, grpcAddress: `pc-1.internal.example:${handle!.ports.grpc}` }),
    ]);
  });

  it('defaults to 127.0.0.1, never the bind address 0.0.0.0', async () => {
    const status = await statusWith({});
    expect(status.members[0]!.grpcAddress).toBe(`127.0.0.1:${handle!.ports.grpc}`);
  });

  it('rejects an empty value with a clear message', () => {
    expect(() => loadPlacementCenterConfig({ env: { ROBUSTMQ_NETWORK_ADVERTISE_HOST: '' } })).toThrow(
      /advertise_host/,
    );
  });
});
