// The apply path trusts RequestIdFilter's "certainly new": a false negative would apply a retried write twice.
import { describe, expect, it } from 'vitest';
import { RequestIdFilter } from '../src/state/request-id-filter.js';

describe('RequestIdFilter', () => {
  it('never forgets an id inside the window, across generations, and rarely claims an unseen one', () => {
    const f = new RequestIdFilter(100_000, 1000);
    // 250,000 ids over 25,000 log indexes (10 per index): several generations by count and by span
    for (let i = 0; i < 250_000; i++) f.add(`client-${i}`, 1 + Math.floor(i / 10));
    f.forgetBefore(25_000);
    for (let i = 0; i < 250_000; i++) expect(f.mightContain(`client-${i}`)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 20_000; i++) if (f.mightContain(`other-${i}`)) falsePositives++;
    expect(falsePositives / 20_000).toBeLessThan(0.05);
  });

  it('drops a generation only once all its ids are older than the window plus the slack', () => {
    const f = new RequestIdFilter(1_000, 100);
    f.add('old', 1);
    for (let i = 0; i < 20_000; i++) f.add(`mid-${i}`, 20_000 + i);
    f.forgetBefore(1_100); // 1 is not yet older than 1_100 - 1_000 - 100 = 0
    expect(f.mightContain('old')).toBe(true);
    f.forgetBefore(40_000);
    expect(f.mightContain('old')).toBe(false);
    expect(f.mightContain('mid-19999')).toBe(true);
  });
});
