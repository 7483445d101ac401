// Deterministic simulation, seeds 1501..2000 (of 2,000 across four files so vitest can spread them).
import { describe } from 'vitest';
import { simulateSeeds } from './helpers/seeds.js';

describe('raft simulator', () => {
  simulateSeeds(1501, 500);
});
