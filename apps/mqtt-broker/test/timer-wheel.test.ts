// The broker's one timer for every connection's deadline: an entry is never called before its due time, about a
// tick after it at most, and not at all once cancelled or moved.
import { sleep } from '@robustmq/testing';
import { describe, expect, it } from 'vitest';
import { TimerWheel, type WheelEntry } from '../src/transport/timer-wheel.js';

function entry(calls: number[]): WheelEntry {
  return { wheelPrev: undefined, wheelNext: undefined, onWheelDue: (now) => calls.push(now) };
}

describe('TimerWheel', () => {
  it('calls entries at or after their due time, skips cancelled ones and stops when empty', async () => {
    const errors: unknown[] = [];
    const wheel = new TimerWheel((err) => errors.push(err), 20);
    const due = Date.now() + 100;
    const early: number[] = [];
    const cancelled: number[] = [];
    const moved: number[] = [];
    const a = entry(early);
    const b = entry(cancelled);
    const c = entry(moved);
    wheel.schedule(a, due);
    wheel.schedule(b, due);
    wheel.schedule(c, due);
    wheel.cancel(b);
    wheel.schedule(c, due + 200); // rescheduling replaces the earlier slot
    const throwing: WheelEntry = {
      wheelPrev: undefined,
      wheelNext: undefined,
      onWheelDue: () => {
        throw new Error('boom');
      },
    };
    wheel.schedule(throwing, due);
    await sleep(180);
    expect(early).toHaveLength(1);
    expect(early[0]).toBeGreaterThanOrEqual(due);
    expect(cancelled).toHaveLength(0);
    expect(moved).toHaveLength(0);
    expect(errors).toHaveLength(1);
    await sleep(200);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toBeGreaterThanOrEqual(due + 200);
    expect(wheel.size).toBe(0);
    wheel.clear();
  });

  it('lets an entry cancel or move the others of its slot while the slot runs', async () => {
    const wheel = new TimerWheel((err) => {
      throw err;
    }, 20);
    const due = Date.now() + 40;
    const calls: string[] = [];
    const later: WheelEntry = {
      wheelPrev: undefined,
      wheelNext: undefined,
      onWheelDue: () => calls.push('later'),
    };
    const gone: WheelEntry = {
      wheelPrev: undefined,
      wheelNext: undefined,
      onWheelDue: () => calls.push('gone'),
    };
    const first: WheelEntry = {
      wheelPrev: undefined,
      wheelNext: undefined,
      onWheelDue: () => {
        calls.push('first');
        wheel.cancel(gone);
        wheel.schedule(later, Date.now() + 60);
      },
    };
    wheel.schedule(first, due);
    wheel.schedule(later, due);
    wheel.schedule(gone, due);
    expect(wheel.size).toBe(3);
    await sleep(100);
    expect(calls).toEqual(['first']);
    expect(wheel.size).toBe(1);
    await sleep(100);
    expect(calls).toEqual(['first', 'later']);
    expect(wheel.size).toBe(0);
    wheel.clear();
  });
});
