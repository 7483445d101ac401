// The simulated network between Raft nodes: random delay (hence reordering), loss, duplication, partitions.
import type { Message } from '../message.js';
import type { Xoshiro128 } from '../rng.js';
import type { NodeId } from '../types.js';

export interface NetworkFaults {
  /** Probability that a message is lost. */
  dropRate: number;
  /** Probability that a message is delivered twice. */
  duplicateRate: number;
  /** Probability that a message is held up for a long time (overtaken by later ones). */
  slowRate: number;
}

export class SimNetwork {
  /** Directed links that are cut: "from>to". */
  private readonly cut = new Set<string>();
  faults: NetworkFaults = { dropRate: 0, duplicateRate: 0, slowRate: 0 };
  sent = 0;
  dropped = 0;

  constructor(
    private readonly rng: Xoshiro128,
    /** Normal one-way delay is uniform in [1, maxDelay] time units. */
    private readonly maxDelay: number,
    private readonly slowDelay: number,
  ) {}

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.has(`${from}>${to}`);
  }

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  /** Splits `nodes` into `a` and the rest, both ways. */
  partition(a: readonly NodeId[], nodes: readonly NodeId[]): void {
    for (const x of a) {
      for (const y of nodes) {
        if (a.includes(y)) continue;
        this.cutLink(x, y);
        this.cutLink(y, x);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  get partitioned(): boolean {
    return this.cut.size > 0;
  }

  /** Returns the delivery delays for `m` (none if lost, two if duplicated). */
  route(m: Message): number[] {
    this.sent++;
    if (this.isCut(m.from, m.to) || this.rng.chance(this.faults.dropRate)) {
      this.dropped++;
      return [];
    }
    const delays = [this.delay()];
    if (this.rng.chance(this.faults.duplicateRate)) delays.push(this.delay());
    return delays;
  }

  private delay(): number {
    if (this.rng.chance(this.faults.slowRate)) return this.rng.range(this.maxDelay, this.slowDelay);
    return this.rng.range(1, this.maxDelay);
  }
}
