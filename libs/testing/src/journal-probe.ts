// For the tests of who the journal cluster lets in (cluster auth token, cluster TLS): one Read on a journal server's
// data port — the answer is 'OK' or the error's `code: message`, so a test tells a refused connection from the
// handler's own answer — and a round trip through a storage adapter that should get through.
import type { ClusterTls } from '@robustmq/common';
import { JOURNAL_MESSAGE, JournalConnection } from '@robustmq/protocol/journal';
import { expect } from 'vitest';
import type { HandoverAdapter } from './journal-handover.js';

/** Creates shard `s` through `adapter`, appends two records and expects to read both back. */
export async function expectShardRoundTrip(
  adapter: Pick<HandoverAdapter, 'createShard' | 'append' | 'read'>,
): Promise<void> {
  await adapter.createShard('s');
  await adapter.append('s', [{ payload: Buffer.from('a') }, { payload: Buffer.from('b') }]);
  const read = await adapter.read('s', 0, { maxRecords: 10 });
  expect(read.map((r) => r.payload.toString())).toEqual(['a', 'b']);
}

/** Reads offset 0 of segment 0 of `shard` in `namespace` (which need not exist) over a new connection. */
export async function probeJournalData(
  address: string,
  options: { authToken?: string | undefined; tls?: ClusterTls | undefined; namespace: string },
): Promise<string> {
  const conn = new JournalConnection(address, {
    authToken: options.authToken,
    tls: options.tls,
    connectTimeoutMs: 3_000,
  });
  const read = {
    namespace: options.namespace,
    shard: 'none',
    segment: 0,
    offset: 0,
    maxRecords: 1,
    maxBytes: 1024,
    waitMs: 0,
  };
  try {
    return await conn.request(JOURNAL_MESSAGE.Read, read, [], 5_000).then(
      () => 'OK',
      (err: { code: string; message: string }) => `${err.code}: ${err.message}`,
    );
  } finally {
    conn.close();
  }
}
