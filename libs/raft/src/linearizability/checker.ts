// Linearizability checking (Wing & Gong's search with Lowe's memoisation, as in Porcupine), per partition.
import type { CheckOutcome, CheckResult, Operation } from './history.js';
import type { Model } from './model.js';

export interface CheckOptions {
  /** Upper bound on search steps over all partitions; beyond it the answer is 'unknown'. Deterministic. */
  readonly maxSteps?: number;
  /** Wall-clock budget in milliseconds; beyond it the answer is 'unknown'. Not deterministic: prefer maxSteps in tests. */
  readonly timeoutMs?: number;
}

interface Node {
  readonly opId: number;
  readonly isCall: boolean;
  /** For a call node: its return node. */
  match: Node | undefined;
  prev: Node | undefined;
  next: Node | undefined;
}

/** Checks that `history` is linearizable with respect to `model`. Deterministic: no clocks, no randomness. */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  const parts = model.partition ? model.partition(history) : [[...history]];
  let budget = options.maxSteps ?? 5_000_000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let steps = 0;
  let sawUnknown = false;
  for (const part of parts) {
    const r = checkPartition(model, part, budget, deadline);
    steps += r.steps;
    budget -= r.steps;
    if (r.outcome === 'not-linearizable') {
      return {
        outcome: r.outcome,
        partitions: parts.length,
        steps,
        detail: describeFailure(model, part, r.best),
      };
    }
    if (r.outcome === 'unknown') {
      sawUnknown = true;
      if (budget <= 0) break;
    }
  }
  return { outcome: sawUnknown ? 'unknown' : 'linearizable', partitions: parts.length, steps };
}

function checkPartition<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  budget: number,
  deadline: number,
): { outcome: CheckOutcome; steps: number; best: number[] } {
  const n = ops.length;
  if (n === 0) return { outcome: 'linearizable', steps: 0, best: [] };
  // Events sorted by time; at equal times calls come first, so touching operations count as concurrent.
  const events: { time: number; isCall: boolean; opId: number }[] = [];
  ops.forEach((op, i) => {
    if (!(op.return >= op.call))
      throw new Error(`operation ${i} returns (${op.return}) before its call (${op.call})`);
    events.push({ time: op.call, isCall: true, opId: i }, { time: op.return, isCall: false, opId: i });
  });
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.opId - b.opId : a.isCall ? -1 : 1));
  const head: Node = { opId: -1, isCall: false, match: undefined, prev: undefined, next: undefined };
  const calls = new Map<number, Node>();
  let tail = head;
  for (const ev of events) {
    const node: Node = { opId: ev.opId, isCall: ev.isCall, match: undefined, prev: tail, next: undefined };
    tail.next = node;
    tail = node;
    if (ev.isCall) calls.set(ev.opId, node);
    else calls.get(ev.opId)!.match = node;
  }

  const words = Math.ceil(n / 32);
  const linearized = new Uint32Array(words);
  const cache = new Set<string>();
  const stack: { node: Node; state: S }[] = [];
  let state = model.init();
  let entry = head.next;
  let steps = 0;
  let best: number[] = [];

  while (head.next !== undefined) {
    if (++steps > budget) return { outcome: 'unknown', steps, best };
    if ((steps & 0xfff) === 0 && deadline !== Infinity && Date.now() > deadline)
      return { outcome: 'unknown', steps, best };
    const e = entry!;
    if (e.isCall) {
      const op = ops[e.opId]!;
      const next = model.step(state, op.input, op.output);
      if (next !== undefined) {
        setBit(linearized, e.opId);
        const key = bitsetKey(linearized) + '|' + model.stateKey(next);
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ node: e, state });
          state = next;
          lift(e);
          entry = head.next;
          if (stack.length > best.length) best = stack.map((s) => s.node.opId);
          continue;
        }
        clearBit(linearized, e.opId);
      }
      entry = e.next;
    } else {
      // Reached a return whose call is not linearized: backtrack.
      const top = stack.pop();
      if (!top) return { outcome: 'not-linearizable', steps, best };
      state = top.state;
      clearBit(linearized, top.node.opId);
      unlift(top.node);
      entry = top.node.next;
    }
  }
  return { outcome: 'linearizable', steps, best };
}

function lift(call: Node): void {
  call.prev!.next = call.next;
  call.next!.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Node): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  call.next!.prev = call;
}

function setBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5]! |= 1 << (i & 31);
}

function clearBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5]! &= ~(1 << (i & 31));
}

function bitsetKey(bits: Uint32Array): string {
  let s = '';
  for (const w of bits) s += String.fromCharCode(w & 0xffff, w >>> 16);
  return s;
}

function describeFailure<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  best: number[],
): string {
  const describe = model.describeOperation ?? ((op: Operation<I, O>) => JSON.stringify(op));
  const inBest = new Set(best);
  const order = ops.map((_, i) => i).sort((a, b) => ops[a]!.call - ops[b]!.call || a - b);
  const lines = [
    `longest linearizable prefix: ${best.length} of ${ops.length} operations`,
    ...best.map((i, k) => `  ${k + 1}. ${describe(ops[i]!)}`),
    'operations that could not be placed after it (by call time):',
    ...order
      .filter((i) => !inBest.has(i))
      .slice(0, 20)
      .map((i) => `  - ${describe(ops[i]!)}`),
  ];
  return lines.join('\n');
}
