// `robustmq start` with a cluster auth token and cluster TLS (mutual) set only in placement-center.toml: the journal
// server and broker of the same process take both over (they set none), so they register and work, while a caller
// without the token, or without TLS, is refused — on placement's port and on the broker's and journal's own.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createLogger, type ClusterTls } from '@robustmq/common';
import { clusterClientOptions, newKvClient } from '@robustmq/protocol';
import { makeTestPki, type TestPki, tempDir, removeDir } from '@robustmq/testing';
import { PlacementClient } from '@robustmq/placement-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServices, type RunningServices } from '../src/start.js';

const TOKEN = 'start-test-secret';
const dir = tempDir('start-auth');
let running: RunningServices;
let pki: TestPki;
let tls: ClusterTls;

beforeAll(async () => {
  pki = makeTestPki();
  const node = pki.issue('node');
  const client = pki.issue('client');
  tls = pki.clusterTls(client);
  writeFileSync(
    join(dir, 'placement-center.toml'),
    `[network]\nhost = "127.0.0.1"\ngrpc_port = 0\nhttp_port = 0\n[cluster]\nauth_token = "${TOKEN}"\n` +
      `tls_cert_file = "${node.certFile}"\ntls_key_file = "${node.keyFile}"\ntls_ca_file = "${pki.caFile}"\ntls_require_client_cert = true\n`,
  );
  writeFileSync(
    join(dir, 'journal-server.toml'),
    `[network]\nhost = "127.0.0.1"\ndata_port = 0\ngrpc_port = 0\nhttp_port = 0\n`,
  );
  writeFileSync(
    join(dir, 'mqtt-broker.toml'),
    `[network]\nhost = "127.0.0.1"\ntcp_port = 0\nws_port = 0\ngrpc_port = 0\nhttp_port = 0\n`,
  );
  running = await startServices(
    {
      roles: ['placement-center', 'journal-server', 'mqtt-broker'],
      dataDir: join(dir, 'data'),
      configDir: dir,
      env: {},
    },
    createLogger({ service: 'test', level: 'silent' }),
  );
});

afterAll(async () => {
  await running?.close();
  tls?.close();
  pki?.close();
  removeDir(dir);
});

/** UNAVAILABLE: the connection was refused; UNIMPLEMENTED: it got through to a server without the KV service. */
function probe(port: number, credentials: grpc.ChannelCredentials): Promise<grpc.status> {
  const c = newKvClient(`127.0.0.1:${port}`, credentials, clusterClientOptions(TOKEN));
  return new Promise((resolve) =>
    c.Get(
      { key: 'k' },
      { deadline: Date.now() + 5_000 },
      (err) => (c.close(), resolve(err ? err.code : grpc.status.OK)),
    ),
  );
}

it('the broker and journal server of the process register with the token and TLS placement requires', async () => {
  const address = `127.0.0.1:${running.ports['placement-center']!['grpc']}`;
  const client = new PlacementClient({ addresses: [address], authToken: TOKEN, tls });
  const outsider = new PlacementClient({ addresses: [address], tls });
  try {
    expect((await client.cluster.listNodes('MQTT_BROKER')).length).toBe(1);
    expect((await client.cluster.listNodes('JOURNAL_SERVER')).length).toBe(1);
    await expect(outsider.cluster.listNodes()).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    // the broker's and the journal server's own gRPC ports took the TLS settings over too
    for (const port of [running.ports['mqtt-broker']!['grpc']!, running.ports['journal-server']!['grpc']!]) {
      expect(await probe(port, grpc.credentials.createInsecure())).toBe(grpc.status.UNAVAILABLE);
      expect(await probe(port, tls.channelCredentials())).toBe(grpc.status.UNIMPLEMENTED);
    }
  } finally {
    client.close();
    outsider.close();
  }
});
