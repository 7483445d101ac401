// Long-poll support: readers that found nothing at the end of a shard park here and are woken the moment an append
// makes their offset readable — no polling loop, one timer per waiting reader.
import type { StorageError } from './storage-error.js';

interface Waiter {
  fromOffset: number;
  resolve: (woken: boolean) => void;
  reject: (err: StorageError) => void;
  timer: NodeJS.Timeout;
}

export class OffsetWaiters {
  private readonly byShard = new Map<string, Set<Waiter>>();

  /** resolves true once notify() reports a record at fromOffset, false after `ms` without one. */
  wait(shard: string, fromOffset: number, ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let set = this.byShard.get(shard);
      if (!set) this.byShard.set(shard, (set = new Set()));
      const waiters = set;
      const waiter: Waiter = {
        fromOffset,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(shard, waiters, waiter);
          resolve(false);
        }, ms),
      };
      waiters.add(waiter);
    });
  }

  /** wakes every reader of `shard` waiting for an offset below `nextOffset`. */
  notify(shard: string, nextOffset: number): void {
    const set = this.byShard.get(shard);
    if (!set) return;
    for (const waiter of set) {
      if (waiter.fromOffset < nextOffset) {
        this.remove(shard, set, waiter);
        waiter.resolve(true);
      }
    }
  }

  /** fails the readers of one shard (it was deleted), or of all shards (the adapter is closing). */
  fail(shard: string | undefined, err: StorageError): void {
    const sets =
      shard === undefined ? [...this.byShard.entries()] : [[shard, this.byShard.get(shard)] as const];
    for (const [name, set] of sets) {
      if (!set) continue;
      for (const waiter of set) {
        this.remove(name, set, waiter);
        waiter.reject(err);
      }
    }
  }

  private remove(shard: string, set: Set<Waiter>, waiter: Waiter): void {
    clearTimeout(waiter.timer);
    set.delete(waiter);
    if (set.size === 0 && this.byShard.get(shard) === set) this.byShard.delete(shard);
  }
}
