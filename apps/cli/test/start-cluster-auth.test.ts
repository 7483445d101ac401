// `robustmq start` with a cluster auth token set only in placement-center.toml: the journal server and broker of the
// same process take it over (they set none), so they register and work, while a caller without it is refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '@robustmq/common';
import { PlacementClient } from '@robustmq/placement-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServices, type RunningServices } from '../src/start.js';

const TOKEN = 'start-test-secret';
const dir = mkdtempSync(join(tmpdir(), 'robustmq-start-auth-'));
let running: RunningServices;

beforeAll(async () => {
  writeFileSync(join(dir, 'placement-center.toml'), `[network]\nhost = "127.0.0.1"\ngrpc_port = 0\nhttp_port = 0\n[cluster]\nauth_token = "${TOKEN}"\n`);
  writeFileSync(join(dir, 'journal-server.toml'), `[network]\nhost = "127.0.0.1"\ndata_port = 0\ngrpc_port = 0\nhttp_port = 0\n`);
  writeFileSync(join(dir, 'mqtt-broker.toml'), `[network]\nhost = "127.0.0.1"\ntcp_port = 0\nws_port = 0\ngrpc_port = 0\nhttp_port = 0\n`);
  running = await startServices(
    { roles: ['placement-center', 'journal-server', 'mqtt-broker'], dataDir: join(dir, 'data'), configDir: dir, env: {} },
    createLogger({ service: 'test', level: 'silent' }),
  );
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('the broker and journal server of the process register with the token placement requires', async () => {
  const address = `127.0.0.1:${running.ports['placement-center']!['grpc']}`;
  const client = new PlacementClient({ addresses: [address], authToken: TOKEN });
  const outsider = new PlacementClient({ addresses: [address] });
  try {
    expect((await client.cluster.listNodes('MQTT_BROKER')).length).toBe(1);
    expect((await client.cluster.listNodes('JOURNAL_SERVER')).length).toBe(1);
    await expect(outsider.cluster.listNodes()).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  } finally {
    client.close();
    outsider.close();
  }
});
