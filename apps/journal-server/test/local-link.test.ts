// A journal connection to a data server in the same process (the quick start's broker and journal server) goes
// through in-memory streams (local-link.ts in the protocol), not a loopback socket: appends and reads answer as over
// TCP with no TCP connection to the data port. (The link itself — answers, a closed end failing what is pending —
// is libs/protocol/test/journal-local-link.test.ts.)
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { InProcessCluster } from './support/in-process-cluster.js';

const cluster = testScope().add(new InProcessCluster());

beforeAll(() => cluster.start(1), 60_000);

/** established TCP connections from or to `port` in this network namespace (/proc/net/tcp, state 01). */
function tcpConnections(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== '01') continue;
      if (f[1]!.endsWith(`:${hex}`) || f[2]!.endsWith(`:${hex}`)) n++;
    }
  }
  return n;
}

it('serves appends and reads over the in-process link, with no socket to the data port', async () => {
  await cluster.client.journal.createShard('ll', 's', { replicaCount: 1, acks: 'ACKS_ALL' });
  const payloads = Array.from({ length: 50 }, (_, i) => Buffer.from(`record-${i}`));
  for (let i = 0; i < payloads.length; i += 10)
    await cluster.data.append('ll', 's', payloads.slice(i, i + 10));
  const { records } = await cluster.data.read(1, 'll', 's', 0, 0);
  expect(records.map((r) => r.payload)).toEqual(payloads.map((p) => p.toString()));
  expect(tcpConnections(cluster.journal(1).ports.data)).toBe(0);
});
