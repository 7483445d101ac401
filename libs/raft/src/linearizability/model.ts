// The sequential specification a history is checked against (Porcupine's Model).
import type { Operation } from './history.js';

export interface Model<S, I, O> {
  init(): S;
  /**
   * Applies `input` to `state` and checks the observed `output`. Returns the next state, or undefined if `output`
   * is impossible from `state`. `output === undefined` means unknown outcome: accept and return the state as if
   * the operation took effect.
   */
  step(state: S, input: I, output: O | undefined): S | undefined;
  /** A canonical string for `state`, used to memoise search states. */
  stateKey(state: S): string;
  /** Splits a history into independent sub-histories (e.g. by key); the default is one partition. */
  partition?(history: readonly Operation<I, O>[]): Operation<I, O>[][];
  describeOperation?(op: Operation<I, O>): string;
}
