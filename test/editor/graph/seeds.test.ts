import { describe, expect, it } from 'vitest';
import { nextSeed, randomSeed } from '../../../editor/src/graph/seeds.ts';

describe('seed after each run', () => {
  it('keeps a fixed seed, increments with wrap-around, or draws a new one', () => {
    expect(nextSeed(7, 'fixed')).toBe(7);
    expect(nextSeed(7, 'increment')).toBe(8);
    expect(nextSeed(2 ** 32 - 1, 'increment')).toBe(0);
    expect(nextSeed(7, 'randomize', () => 1234)).toBe(1234);
  });

  it('draws random seeds in [0, 2^32)', () => {
    const seeds = Array.from({ length: 50 }, randomSeed);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(45);
  });
});
