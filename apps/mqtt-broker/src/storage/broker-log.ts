// What the broker, its sessions and handlers need of the message log, whichever kind it is: the broker's own log
// (message-log.ts — one writer, offsets known before the append completes, messages routed at once) or the
// cluster's shared log (cluster-log.ts — every broker appends to one shard and routes what it reads back from it).
import type { StoredRecord } from '@robustmq/storage-adapter';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';

/** called once the message at an offset is durable, or with the error that means it never will be. */
export type DurableCallback = (err: Error | undefined) => void;

export interface BrokerLog {
  readonly shard: string;
  /** true when other brokers append to the same log: a message reaches subscribers (here too) only once it has been
   * read back from the log, in the log's order; false when the broker routes a message as it accepts it. */
  readonly shared: boolean;
  /** every message at a lower offset has been routed by this broker (sessions resume reading here). */
  readonly nextOffset: number;
  /** every offset below this is durable. */
  readonly durableOffset: number;
  /** set when the log can no longer be trusted; it then refuses to append. */
  readonly failed: Error | undefined;
  /** Queues a message for storage. */
  append(message: OutgoingPublish): void;
  /** Calls back once an appended message is durable, or with the error that means it never will be. */
  onStored(message: OutgoingPublish, callback: DurableCallback): void;
  whenStored(message: OutgoingPublish): Promise<void>;
  /** Calls back once every offset up to `offset` is durable (a session's commit point). */
  onDurable(offset: number, callback: DurableCallback): void;
  whenDurable(offset: number): Promise<void>;
  /** messages from this offset on (up to nextOffset) are held in memory: tailAt gives them without reading storage.
   * At most durableOffset. */
  readonly memoryOffset: number;
  /** Whether recent durable messages are worth keeping in memory (some session reads the log); when not, only those
   * not yet durable are. */
  holdRecent(hold: boolean): void;
  /** A message held in memory (from memoryOffset on), by offset; undefined when there is none (below memoryOffset,
   * or the offset of a failed append). */
  tailAt(offset: number): OutgoingPublish | undefined;
  /** Durable records from `from` on. */
  read(from: number, maxRecords: number): Promise<StoredRecord[]>;
  startOffset(): Promise<number>;
  /** The first offset storage still holds and the offset its next record gets, asked of storage now (beyond what
   * this broker has routed: another broker's append may have completed since). */
  ends(): Promise<{ startOffset: number; nextOffset: number }>;
  /** Durably records a consumer's position in this log (a session's, under its group). */
  commitPosition(group: string, offset: number): Promise<void>;
  /** The position last committed under `group`, if any. */
  fetchPosition(group: string): Promise<number | undefined>;
  /** Resolves once everything appended so far is durable (or failed). */
  drain(): Promise<void>;
  /** true while so many accepted messages wait for storage that publishers should be slowed down (their sockets
   * stop being read). */
  readonly backlogged: boolean;
  /** Calls back once the log is no longer backlogged (at once, on a later tick, when it is not). */
  onRelief(callback: () => void): void;
}
