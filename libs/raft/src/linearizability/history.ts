// One client operation in a concurrent history, as the linearizability checker consumes it.

/**
 * An operation invoked at `call` that returned `output` at `return`. An operation whose outcome is unknown (the
 * client timed out; it may or may not have taken effect) has `output: undefined` and `return: Infinity`.
 * Times only need to be comparable; equal call/return times are treated as concurrent.
 */
export interface Operation<I, O> {
  readonly clientId: number;
  readonly input: I;
  readonly call: number;
  readonly output: O | undefined;
  readonly return: number;
}

export type CheckOutcome = 'linearizable' | 'not-linearizable' | 'unknown';

export interface CheckResult {
  readonly outcome: CheckOutcome;
  /** Number of independent partitions (e.g. keys) checked. */
  readonly partitions: number;
  /** Search steps spent, summed over partitions. */
  readonly steps: number;
  /** For 'not-linearizable': a human-readable account of the partition that failed. */
  readonly detail?: string;
}
