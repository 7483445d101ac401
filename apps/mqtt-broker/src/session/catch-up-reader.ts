// A session far behind in the message log reads it from storage, a batch at a time (session/session.ts readLog).
// Under load one storage read spans several event-loop turns, each of which may read thousands of sockets, so a
// session that waited for every read before asking for the next one caught up more slowly than publishers added
// messages and never got back to the recent end the log keeps in memory (issue 16, fan-in). So the read of the next
// batch starts as soon as a batch arrives, while that one is being sent; and when the in-flight window fills part-way
// through a batch, the rest is kept for the next round rather than read and decoded again.
import type { StoredRecord } from '@robustmq/storage-adapter';
import type { BrokerStats } from '../core/broker-settings.js';
import type { BrokerLog } from '../storage/broker-log.js';

/** records per storage read while catching up. */
export const CATCH_UP_BATCH = 500;

const ignore = (): void => {};

export class CatchUpReader {
  /** records of the last batch not sent yet (the window was full): kept[0] is the next one to consider. */
  private kept: StoredRecord[] | undefined = undefined;
  /** the read of the batch after the last one, started when that one arrived. */
  private ahead: { from: number; records: Promise<StoredRecord[]> } | undefined = undefined;

  constructor(
    private readonly log: BrokerLog,
    /** logReads counts the storage reads (mqtt_log_reads_total). */
    private readonly stats: Pick<BrokerStats, 'logReads'>,
  ) {}

  /** Stored records from `offset` on: the ones kept from the last batch, else the batch read ahead, else a read now.
   * A fresh batch starts the read of the next one, unless that is in memory already. Throws what the read threw. */
  async read(offset: number): Promise<StoredRecord[]> {
    const kept = this.kept;
    this.kept = undefined;
    if (kept !== undefined && kept[0]!.offset === offset) return kept;
    const ahead = this.ahead;
    this.ahead = undefined;
    const records =
      ahead !== undefined && ahead.from === offset ? await ahead.records : await this.storageRead(offset);
    const after = records.length > 0 ? records[records.length - 1]!.offset + 1 : offset;
    if (records.length === CATCH_UP_BATCH && after < this.log.memoryOffset) {
      const next = this.storageRead(after);
      // read or not, it must not become an unhandled rejection; whoever takes it up sees its error
      next.catch(ignore);
      this.ahead = { from: after, records: next };
    }
    return records;
  }

  private storageRead(offset: number): Promise<StoredRecord[]> {
    this.stats.logReads++;
    return this.log.read(offset, CATCH_UP_BATCH);
  }

  /** The window filled at records[from]: those from there on are the next round's. */
  keep(records: StoredRecord[], from: number): void {
    if (from < records.length) this.kept = from === 0 ? records : records.slice(from);
  }
}
