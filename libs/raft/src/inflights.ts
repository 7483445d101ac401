// Flow-control window of in-flight MsgApps to one follower (by last index and bytes), like etcd's tracker.Inflights.
import { invariant } from './invariant.js';

export class Inflights {
  private readonly indexes: number[] = [];
  private readonly sizes: number[] = [];
  private start = 0;
  private bytesInFlight = 0;

  constructor(
    readonly maxCount: number,
    /** 0 means no byte limit. */
    readonly maxBytes: number,
  ) {
    invariant(maxCount > 0, () => `inflights window must be positive, got ${maxCount}`);
  }

  get count(): number {
    return this.indexes.length - this.start;
  }

  get bytes(): number {
    return this.bytesInFlight;
  }

  add(index: number, bytes: number): void {
    invariant(!this.full(), () => 'cannot add into a full inflights window');
    const n = this.indexes.length;
    invariant(
      n === this.start || this.indexes[n - 1]! < index,
      () => `inflight index ${index} is not increasing`,
    );
    this.indexes.push(index);
    this.sizes.push(bytes);
    this.bytesInFlight += bytes;
  }

  /** Frees every in-flight message whose last index is <= `to` (acknowledged). */
  freeLE(to: number): void {
    while (this.start < this.indexes.length && this.indexes[this.start]! <= to) {
      this.bytesInFlight -= this.sizes[this.start]!;
      this.start++;
    }
    if (this.start > 64 && this.start * 2 > this.indexes.length) {
      this.indexes.splice(0, this.start);
      this.sizes.splice(0, this.start);
      this.start = 0;
    }
  }

  /** Frees the oldest in-flight message (used when acks may have been lost and the window is stuck full). */
  freeFirstOne(): void {
    if (this.count > 0) this.freeLE(this.indexes[this.start]!);
  }

  full(): boolean {
    return this.count >= this.maxCount || (this.maxBytes > 0 && this.bytesInFlight >= this.maxBytes);
  }

  reset(): void {
    this.indexes.length = 0;
    this.sizes.length = 0;
    this.start = 0;
    this.bytesInFlight = 0;
  }
}
