// Deterministic simulation, seeds 1..500 (of 2,000 across four files so vitest can spread them).
import { describe } from 'vitest';
import { simulateSeeds } from './helpers/seeds.js';

describe('raft simulator', () => {
  simulateSeeds(1, 500);
});
