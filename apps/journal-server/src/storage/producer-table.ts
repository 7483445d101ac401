// Which idempotent requests (producer stamps, @robustmq/protocol/journal producer-stamp.ts) a segment replica holds:
// per producer, its floor and the requests at or above it with the offsets they were written at. Every replica keeps
// it as it writes records — the leader's group commit, a follower's replication, recovery's scan of the file — so a
// new leader has it for the log it took over. It is stored beside the indexes (RocksDB key p/<seg>/<producer>, with
// the index checkpoint; past the checkpoint recovery rebuilds it from the file) and, like them, cut with the log.
import type { ProducerStamp } from '@robustmq/protocol/journal';

export interface StampedRequest {
  base: number;
  count: number;
}

interface ProducerState {
  floor: number;
  requests: Map<number, StampedRequest>;
}

/** requests remembered per producer at most (its requests in flight at once, each below the floor is forgotten). */
const MAX_REQUESTS = 4096;

export class ProducerTable {
  private readonly producers = new Map<number, ProducerState>();

  /** the request `sequence` of the producer if this replica holds it. */
  find(producerId: number, sequence: number): StampedRequest | undefined {
    return this.producers.get(producerId)?.requests.get(sequence);
  }

  /** the producer's floor: lower sequences were all answered (-1: the producer has written nothing here). */
  floor(producerId: number): number {
    return this.producers.get(producerId)?.floor ?? -1;
  }

  /** a stamped request written at `base` (in log order). */
  note(stamp: ProducerStamp, base: number): void {
    let state = this.producers.get(stamp.producerId);
    if (!state) {
      state = { floor: stamp.floor, requests: new Map() };
      this.producers.set(stamp.producerId, state);
    }
    if (stamp.floor > state.floor) {
      state.floor = stamp.floor;
      for (const seq of state.requests.keys()) if (seq < state.floor) state.requests.delete(seq);
    }
    state.requests.set(stamp.sequence, { base, count: stamp.count });
    // a producer that never raises its floor (it does, with every answer) cannot grow this without bound
    if (state.requests.size > MAX_REQUESTS) {
      let lowest = Number.MAX_SAFE_INTEGER;
      for (const seq of state.requests.keys()) lowest = Math.min(lowest, seq);
      state.requests.delete(lowest);
      state.floor = Math.max(state.floor, lowest + 1);
    }
  }

  /** forgets requests written at or after `offset` (a cut log); returns the producers it changed. Floors stay: a
   * floor is what the producer knew, true whether or not the record that carried it survived. */
  cutFrom(offset: number): number[] {
    const changed: number[] = [];
    for (const [producerId, state] of this.producers) {
      let hit = false;
      for (const [seq, r] of state.requests) {
        if (r.base + r.count > offset) {
          state.requests.delete(seq);
          hit = true;
        }
      }
      if (hit) changed.push(producerId);
    }
    return changed;
  }

  /** the stored form of one producer's state. */
  serialize(producerId: number): string {
    const state = this.producers.get(producerId);
    if (!state) return '';
    const requests: Array<[number, number, number]> = [];
    for (const [seq, r] of state.requests) requests.push([seq, r.base, r.count]);
    return JSON.stringify({ floor: state.floor, requests });
  }

  /** restores one producer's state from serialize(); ignores what does not parse (recovery's scan rebuilds it). */
  load(producerId: number, value: string): void {
    try {
      const v = JSON.parse(value) as { floor: number; requests: Array<[number, number, number]> };
      const requests = new Map<number, StampedRequest>();
      for (const [seq, base, count] of v.requests) requests.set(seq, { base, count });
      this.producers.set(producerId, { floor: v.floor, requests });
    } catch {
      /* a damaged entry: the producer is unknown here, as before its first request */
    }
  }
}
