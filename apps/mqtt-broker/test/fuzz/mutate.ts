// Ways to break a valid packet: flip bytes, corrupt the remaining length (too long, too short, a varint that never
// ends), cut the frame short, or replace it with noise.
import type { Prng } from './prng.js';

export type Mutation = 'flip' | 'length' | 'varint' | 'truncate' | 'random' | 'type';

const MUTATIONS: readonly Mutation[] = ['flip', 'flip', 'length', 'varint', 'truncate', 'random', 'type'];

export function mutate(packet: Buffer, prng: Prng): Buffer {
  const kind = prng.pick(MUTATIONS);
  switch (kind) {
    case 'flip': {
      const copy = Buffer.from(packet);
      const flips = 1 + prng.int(3);
      for (let i = 0; i < flips; i++) copy[prng.int(copy.length)] ^= 1 << prng.int(8);
      return copy;
    }
    case 'length': {
      // a one-byte remaining length off by a little, either way
      const copy = Buffer.from(packet);
      if (copy.length > 1 && copy[1]! < 0x80)
        copy[1] = Math.max(0, Math.min(0x7f, copy[1]! + prng.pick([-3, -1, 1, 2, 50])));
      return copy;
    }
    case 'varint':
      // a remaining length whose continuation bit never stops (or a huge one)
      return Buffer.concat([
        packet.subarray(0, 1),
        prng.chance(0.5)
          ? Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f])
          : Buffer.from([0xff, 0xff, 0xff, 0x7f]),
        packet.subarray(2),
      ]);
    case 'truncate':
      return packet.subarray(0, Math.max(1, prng.int(packet.length)));
    case 'random':
      return prng.bytes(1 + prng.int(40));
    case 'type': {
      const copy = Buffer.from(packet);
      copy[0] = (prng.int(16) << 4) | prng.int(16);
      return copy;
    }
  }
}
