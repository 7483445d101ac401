// Public entry of the linearizability checker, reusable by any package that records client histories.
export type { CheckOutcome, CheckResult, Operation } from './history.js';
export type { Model } from './model.js';
export { checkOperations, type CheckOptions } from './checker.js';
export { kvModel, type KvInput, type KvOutput, type KvState } from './kv-model.js';
