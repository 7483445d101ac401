// murmur2 against the vectors of Kafka's own UtilsTest.testMurmur2, so bridged records land where Kafka clients'
// default partitioners put the same key.
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../src/bridge/murmur2.js';

describe('murmur2', () => {
  it('matches Kafka', () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
    expect(partitionForKey(Buffer.from('foobar'), 3)).toBe((-790332482 & 0x7fffffff) % 3);
  });
});
