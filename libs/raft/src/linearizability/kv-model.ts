// Sequential specification of a key-value register map: put, get, delete, compare-and-set; partitioned by key.
import type { Operation } from './history.js';
import type { Model } from './model.js';

export type KvInput =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'delete'; readonly key: string }
  /** Sets `value` iff the current value equals `expected` (null: the key is absent). */
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string };

export type KvOutput =
  | { readonly op: 'put' }
  | { readonly op: 'get'; readonly value: string | null }
  | { readonly op: 'delete' }
  | { readonly op: 'cas'; readonly ok: boolean };

/** The state of one key (histories are partitioned by key): its value, or null when absent. */
export type KvState = string | null;

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case 'put':
        return input.value;
      case 'delete':
        return null;
      case 'get':
        if (output === undefined) return state;
        return output.op === 'get' && output.value === state ? state : undefined;
      case 'cas': {
        const matches = state === input.expected;
        if (output === undefined) return matches ? input.value : state;
        if (output.op !== 'cas' || output.ok !== matches) return undefined;
        return matches ? input.value : state;
      }
    }
  },
  stateKey: (s) => (s === null ? '\u0000' : 'v' + s),
  partition(history) {
    const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const op of history) {
      let list = byKey.get(op.input.key);
      if (!list) byKey.set(op.input.key, (list = []));
      list.push(op);
    }
    return [...byKey.values()];
  },
  describeOperation(op) {
    const i = op.input;
    const what =
      i.op === 'put'
        ? `put(${i.key}, ${i.value})`
        : i.op === 'get'
          ? `get(${i.key})`
          : i.op === 'delete'
            ? `delete(${i.key})`
            : `cas(${i.key}, ${i.expected ?? '<absent>'} -> ${i.value})`;
    const o = op.output;
    const res =
      o === undefined
        ? '?'
        : o.op === 'get'
          ? String(o.value ?? '<absent>')
          : o.op === 'cas'
            ? String(o.ok)
            : 'ok';
    const ret = op.return === Infinity ? '∞' : String(op.return);
    return `client ${op.clientId}: [${op.call}, ${ret}] ${what} -> ${res}`;
  },
};
