// A small data-port client for proof tests: appends to and reads from a placement shard the way a producer does —
// active segment from placement, Append to its leader, on to the next segment after a seal — without the journal
// StorageAdapter's shard catalog in between, so tests can create shards with any placement config (segment size,
// retention, acks) and talk to in-process servers and child processes alike.
import { sleep } from '@robustmq/testing';
import type { PlacementClient } from '@robustmq/placement-client';
import {
  JOURNAL_MESSAGE,
  JournalConnectionPool,
  batchParts,
  decodeRecord,
  encodeRecord,
  isJournalError,
  splitBatch,
  type JournalReply,
} from '@robustmq/protocol/journal';

export class DataPortClient {
  private readonly pool = new JournalConnectionPool();

  constructor(private readonly client: PlacementClient) {}

  close(): void {
    this.pool.closeAll();
  }

  private async dataAddress(nodeId: number): Promise<string> {
    const node = (await this.client.cluster.listNodes('JOURNAL_SERVER')).find((n) => n.nodeId === nodeId);
    const port = node?.ports['data'];
    if (!port) throw new Error(`journal server ${nodeId} is not registered with placement`);
    return `127.0.0.1:${port}`;
  }

  /** sends one request to a journal server's data port. */
  async request(
    nodeId: number,
    type: number,
    header: Record<string, unknown>,
    data: Buffer[] = [],
    timeoutMs = 10_000,
  ): Promise<JournalReply> {
    return this.pool.get(await this.dataAddress(nodeId)).request(type, header, data, timeoutMs);
  }

  /**
   * appends `payloads` as one batch to the shard's active segment and returns the first offset. Retries through
   * seals and leader changes (as a producer does) until `timeoutMs`; each request waits at most `requestTimeoutMs`.
   */
  async append(
    namespace: string,
    shard: string,
    payloads: Buffer[],
    options: { timeoutMs?: number; requestTimeoutMs?: number } = {},
  ): Promise<{ baseOffset: number; segment: number }> {
    const now = Date.now();
    const data = Buffer.concat(
      batchParts(
        payloads.map((payload) => encodeRecord(0, { timestamp: now, tags: [], headers: [], payload })),
      ),
    );
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const active = (await this.client.journal.listSegments(namespace, shard))
        .filter((s) => s.status === 'SEGMENT_WRITE')
        .pop();
      try {
        if (!active) throw new Error('no writable segment yet');
        const reply = await this.request(
          active.leader,
          JOURNAL_MESSAGE.Append,
          { namespace, shard, segment: active.seq, epoch: active.epoch },
          [data],
          options.requestTimeoutMs ?? 10_000,
        );
        const count = reply.header['count'] as number;
        if (count !== payloads.length)
          throw new Error(
            `test setup: the segment took ${count} of ${payloads.length} records; append smaller batches`,
          );
        return { baseOffset: reply.header['baseOffset'] as number, segment: active.seq };
      } catch (err) {
        const moving =
          !active ||
          isJournalError(err, 'SEGMENT_SEALED') ||
          isJournalError(err, 'NOT_LEADER') ||
          isJournalError(err, 'SEGMENT_NOT_FOUND');
        if (!moving || Date.now() > deadline) throw err;
        await sleep(20);
      }
    }
  }

  /** reads from `offset` of one segment on one server: the answer header and the records' offsets and payloads. */
  async read(
    nodeId: number,
    namespace: string,
    shard: string,
    segment: number,
    offset: number,
    maxRecords = 1000,
  ) {
    const reply = await this.request(nodeId, JOURNAL_MESSAGE.Read, {
      namespace,
      shard,
      segment,
      offset,
      maxRecords,
      maxBytes: 16 * 1024 * 1024,
    });
    const records = splitBatch(reply.data).map((r) => decodeRecord(r, `${namespace}/${shard}`));
    return {
      header: reply.header,
      records: records.map((r) => ({ offset: r.offset, payload: r.payload.toString() })),
    };
  }
}
