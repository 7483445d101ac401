// Producer ids for InitProducerId, unique across every kafka-broker of the cluster: placement's KV holds the next
// unallocated id under one key, and a broker takes a block of ids at a time with compare-and-set (as Kafka's
// ProducerIdManager takes blocks from ZooKeeper / the controller), so one Raft write serves a thousand producers and
// two brokers can never hand out the same id. A block a broker did not use up before it stopped is simply skipped.
import type { KvClient } from '@robustmq/placement-client';

export const PRODUCER_ID_KEY = 'kafka/producer-ids/next';
export const PRODUCER_ID_BLOCK = 1_000;
/** CAS attempts before giving up (only many brokers taking blocks at the same instant would need more than a few). */
const MAX_ATTEMPTS = 20;

export class ProducerIdAllocator {
  private next = 0;
  private end = 0;
  private refill: Promise<void> | undefined;

  constructor(
    private readonly kv: KvClient,
    private readonly blockSize = PRODUCER_ID_BLOCK,
  ) {}

  /** A producer id no other InitProducerId anywhere in the cluster has been or will be given. */
  async allocate(): Promise<number> {
    while (this.next >= this.end) {
      this.refill ??= this.takeBlock().finally(() => (this.refill = undefined));
      await this.refill;
    }
    return this.next++;
  }

  private async takeBlock(): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.kv.getEntry(PRODUCER_ID_KEY);
      const start = entry ? Number(entry.value.toString('utf8')) : 0;
      if (!Number.isSafeInteger(start) || start < 0)
        throw new Error(
          `placement key ${PRODUCER_ID_KEY} holds ${entry?.value.toString('utf8')}, not a producer id`,
        );
      const result = await this.kv.compareAndSet(
        PRODUCER_ID_KEY,
        entry ? entry.modRevision : 0,
        String(start + this.blockSize),
      );
      if (result.succeeded) {
        this.next = start;
        this.end = start + this.blockSize;
        return;
      }
    }
    throw new Error(
      `could not take a block of producer ids from placement after ${MAX_ATTEMPTS} attempts (contention)`,
    );
  }
}
