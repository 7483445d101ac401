// Known-good and known-bad KV histories for the linearizability checker, including unknown outcomes and CAS.
import { describe, expect, it } from 'vitest';
import {
  checkOperations,
  kvModel,
  type KvInput,
  type KvOutput,
  type Operation,
} from '../src/linearizability/index.js';

type Op = Operation<KvInput, KvOutput>;

const put = (c: number, key: string, value: string, call: number, ret: number): Op => ({
  clientId: c,
  input: { op: 'put', key, value },
  call,
  output: { op: 'put' },
  return: ret,
});
const get = (c: number, key: string, value: string | null, call: number, ret: number): Op => ({
  clientId: c,
  input: { op: 'get', key },
  call,
  output: { op: 'get', value },
  return: ret,
});
const del = (c: number, key: string, call: number, ret: number): Op => ({
  clientId: c,
  input: { op: 'delete', key },
  call,
  output: { op: 'delete' },
  return: ret,
});
const cas = (
  c: number,
  key: string,
  expected: string | null,
  value: string,
  ok: boolean,
  call: number,
  ret: number,
): Op => ({
  clientId: c,
  input: { op: 'cas', key, expected, value },
  call,
  output: { op: 'cas', ok },
  return: ret,
});
/** A write whose client timed out: it may or may not have happened. */
const unknown = (c: number, input: KvInput, call: number): Op => ({
  clientId: c,
  input,
  call,
  output: undefined,
  return: Infinity,
});

const check = (h: Op[]) => checkOperations(kvModel, h).outcome;

describe('linearizability checker (KV model)', () => {
  it('accepts the empty history and sequential histories', () => {
    expect(check([])).toBe('linearizable');
    expect(
      check([put(1, 'x', 'a', 0, 1), get(1, 'x', 'a', 2, 3), del(1, 'x', 4, 5), get(1, 'x', null, 6, 7)]),
    ).toBe('linearizable');
  });

  it('accepts a read that overlaps a write and sees either value', () => {
    const base = [put(1, 'x', 'a', 0, 1), put(2, 'x', 'b', 2, 10)];
    expect(check([...base, get(3, 'x', 'a', 3, 4)])).toBe('linearizable');
    expect(check([...base, get(3, 'x', 'b', 3, 4)])).toBe('linearizable');
  });

  it('rejects a stale read after a completed write', () => {
    expect(check([put(1, 'x', 'a', 0, 1), put(1, 'x', 'b', 2, 3), get(2, 'x', 'a', 4, 5)])).toBe(
      'not-linearizable',
    );
  });

  it('rejects a lost write: a read after an acknowledged put sees the old value', () => {
    expect(check([put(1, 'x', 'a', 0, 1), get(2, 'x', null, 2, 3)])).toBe('not-linearizable');
  });

  // x = a, then a write of b that lasts until t = 20: reads during it may see either value, but not b and then a
  const slowWrite = [put(1, 'x', 'a', 0, 1), put(2, 'x', 'b', 2, 20)];

  it('rejects reads that go backwards in time (new value, then old value)', () => {
    expect(check([...slowWrite, get(3, 'x', 'b', 3, 4), get(4, 'x', 'a', 5, 6)])).toBe('not-linearizable');
  });

  it('accepts concurrent reads that each see one side of an overlapping write', () => {
    expect(check([...slowWrite, get(3, 'x', 'a', 3, 4), get(4, 'x', 'b', 5, 6)])).toBe('linearizable');
  });

  it('treats touching intervals as concurrent', () => {
    expect(check([put(1, 'x', 'a', 0, 5), get(2, 'x', null, 5, 6)])).toBe('linearizable');
  });

  it('handles unknown outcomes: the write may take effect at any time after its call, or never', () => {
    const u = unknown(1, { op: 'put', key: 'x', value: 'a' }, 0);
    expect(check([u, get(2, 'x', null, 5, 6)])).toBe('linearizable');
    expect(check([u, get(2, 'x', 'a', 5, 6)])).toBe('linearizable');
    expect(check([u, get(2, 'x', 'a', 5, 6), get(2, 'x', null, 7, 8)])).toBe('not-linearizable');
    // It cannot take effect before it was invoked.
    expect(check([get(2, 'x', 'a', 0, 1), unknown(1, { op: 'put', key: 'x', value: 'a' }, 2)])).toBe(
      'not-linearizable',
    );
  });

  it('checks compare-and-set outcomes', () => {
    expect(check([put(1, 'x', 'a', 0, 1), cas(2, 'x', 'a', 'b', true, 2, 3), get(1, 'x', 'b', 4, 5)])).toBe(
      'linearizable',
    );
    expect(check([put(1, 'x', 'a', 0, 1), cas(2, 'x', 'z', 'b', true, 2, 3)])).toBe('not-linearizable');
    expect(check([put(1, 'x', 'a', 0, 1), cas(2, 'x', 'a', 'b', false, 2, 3)])).toBe('not-linearizable');
    expect(check([cas(1, 'x', null, 'a', true, 0, 1), get(2, 'x', 'a', 2, 3)])).toBe('linearizable');
    // Two concurrent creates cannot both succeed.
    expect(check([cas(1, 'x', null, 'a', true, 0, 5), cas(2, 'x', null, 'b', true, 0, 5)])).toBe(
      'not-linearizable',
    );
    expect(check([cas(1, 'x', null, 'a', true, 0, 5), cas(2, 'x', null, 'b', false, 0, 5)])).toBe(
      'linearizable',
    );
  });

  it('handles an unknown CAS that may or may not have applied', () => {
    const u = unknown(1, { op: 'cas', key: 'x', expected: 'a', value: 'b' }, 2);
    const base = [put(1, 'x', 'a', 0, 1), u];
    expect(check([...base, get(2, 'x', 'b', 3, 4)])).toBe('linearizable');
    expect(check([...base, get(2, 'x', 'a', 3, 4)])).toBe('linearizable');
    // If x was changed first, the CAS can no longer produce 'b'.
    expect(
      check([
        put(1, 'x', 'a', 0, 1),
        put(3, 'x', 'c', 2, 3),
        unknown(1, { op: 'cas', key: 'x', expected: 'a', value: 'b' }, 4),
        get(2, 'x', 'b', 5, 6),
      ]),
    ).toBe('not-linearizable');
  });

  it('partitions by key: keys are independent', () => {
    const h = [
      put(1, 'x', 'a', 0, 10),
      put(2, 'y', 'b', 0, 10),
      get(3, 'x', 'a', 11, 12),
      get(3, 'y', 'b', 11, 12),
    ];
    const r = checkOperations(kvModel, h);
    expect(r.outcome).toBe('linearizable');
    expect(r.partitions).toBe(2);
    expect(check([...h, get(3, 'y', null, 13, 14)])).toBe('not-linearizable');
  });

  it('explains a failure with the longest linearizable prefix', () => {
    const r = checkOperations(kvModel, [put(1, 'x', 'a', 0, 1), get(2, 'x', null, 2, 3)]);
    expect(r.outcome).toBe('not-linearizable');
    expect(r.detail).toContain('get(x)');
  });

  it('returns unknown when the step budget runs out', () => {
    // Many concurrent writes and a read of a value nobody wrote: the search must explore a lot before failing.
    const h: Op[] = [];
    for (let i = 0; i < 14; i++) h.push(put(i, 'x', `v${i}`, 0, 100));
    h.push(get(99, 'x', 'nope', 0, 100));
    expect(checkOperations(kvModel, h, { maxSteps: 50 }).outcome).toBe('unknown');
    expect(checkOperations(kvModel, h, { timeoutMs: 0 }).outcome).toBe('unknown');
    expect(checkOperations(kvModel, h).outcome).toBe('not-linearizable');
  });

  it('copes with a long concurrent history quickly thanks to memoisation', () => {
    const h: Op[] = [];
    let t = 0;
    for (let i = 0; i < 300; i++) {
      h.push(put(i % 5, 'x', `v${i}`, t, t + 7));
      h.push(get((i + 1) % 5, 'x', `v${i}`, t + 6, t + 9));
      t += 5;
    }
    expect(check(h)).toBe('linearizable');
  });
});
