// One Read on a journal server's data port, for the tests of who it lets in (cluster auth token, cluster TLS): the
// answer is 'OK' or the error's `code: message`, so a test tells a refused connection from the handler's own answer.
import type { ClusterTls } from '@robustmq/common';
import { JOURNAL_MESSAGE, JournalConnection } from '@robustmq/protocol/journal';

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
