// Test helpers: start a real placement center on free ports in a temp data dir, and remove it afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';

export const quietLogger = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface TestPlacement {
  handle: PlacementCenterHandle;
  dataDir: string;
  http: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestPlacement(
  heartbeat: { timeout_ms?: number; check_interval_ms?: number } = {},
  options: { adminToken?: string } = {},
): Promise<TestPlacement> {
  const dataDir = mkdtempSync(join(tmpdir(), 'robustmq-pc-'));
  const config = loadPlacementCenterConfig({
    env: {},
    overrides: {
      node: { data_dir: dataDir },
      network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 },
      heartbeat,
      ...(options.adminToken ? { http: { admin_token: options.adminToken } } : {}),
    },
  });
  const t: TestPlacement = {
    handle: await startPlacementCenter(config, { logger: quietLogger }),
    dataDir,
    get http() {
      return `http://127.0.0.1:${t.handle.ports.http}`;
    },
    async restart() {
      const { grpc, http } = t.handle.ports;
      await t.handle.close();
      // same ports, so clients connected before the restart reconnect to it
      const again = { ...config, network: { ...config.network, grpc_port: grpc, http_port: http } };
      t.handle = await startPlacementCenter(again, { logger: quietLogger });
    },
    async stop() {
      await t.handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
