// What a bridge needs of the Kafka side: a topic's partitions, appending records to one, reading one from an offset
// (long poll), and a committed position per partition. The kafka-broker's partition storage provides it; the bridge
// does not know how partitions are laid out in the journal.

export interface BridgeRecordHeader {
  key: string;
  value: Buffer | null;
}

/** A Kafka record as the bridge writes it. */
export interface BridgeRecord {
  key: Buffer | null;
  value: Buffer | null;
  /** ms since the epoch. */
  timestamp: number;
  headers: BridgeRecordHeader[];
}

/** A Kafka record as read back. */
export interface StoredBridgeRecord extends BridgeRecord {
  offset: number;
}

export interface KafkaTopicAccess {
  /** the topic's partition count, creating the topic with `partitions` partitions if it does not exist. */
  ensureTopic(topic: string, partitions: number): Promise<number>;
  /** appends the records to the partition, durably (the topic's acks), in order. */
  append(topic: string, partition: number, records: BridgeRecord[]): Promise<void>;
  /** records from `fromOffset` on; waits up to waitMs for one when there is none yet. `fromOffset` below the first
   * stored offset reads from the first stored one. */
  read(
    topic: string,
    partition: number,
    fromOffset: number,
    options: { maxRecords: number; waitMs: number },
  ): Promise<StoredBridgeRecord[]>;
  /** the offset the next appended record will get. */
  endOffset(topic: string, partition: number): Promise<number>;
  commitPosition(group: string, topic: string, partition: number, offset: number): Promise<void>;
  fetchPosition(group: string, topic: string, partition: number): Promise<number | undefined>;
}
