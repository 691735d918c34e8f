import { describe, expect, it } from 'vitest';
import { createNoise } from '../../models/noise.ts';

describe('createNoise', () => {
  it('gives the same numbers for the same seed', () => {
    expect(createNoise(1234).normal(1000)).toEqual(createNoise(1234).normal(1000));
  });

  it('gives different numbers for different seeds, including neighbouring ones', () => {
    const a = createNoise(0).normal(16);
    const b = createNoise(1).normal(16);
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });

  it('is one stream however it is split into calls', () => {
    const whole = createNoise(99).normal(11);
    const parts = createNoise(99);
    expect([...parts.normal(3), ...parts.normal(0), ...parts.normal(5), ...parts.normal(3)]).toEqual(Array.from(whole));
  });

  it('keeps its golden values (a change here changes every image made from a seed)', () => {
    expect(Array.from(createNoise(0).normal(4))).toEqual([2.0812089443206787, -0.16346561908721924, 0.25413069128990173, -0.039282023906707764]);
    expect(Array.from(createNoise(42).normal(3))).toEqual([1.1226592063903809, -0.9491474628448486, 0.4041278660297394]);
  });

  it('is standard normal: mean 0, variance 1, symmetric tails', () => {
    const n = 400_000;
    const values = createNoise(7).normal(n);
    let sum = 0;
    let squares = 0;
    let beyondTwo = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
      if (Math.abs(v) > 2) beyondTwo++;
    }
    const mean = sum / n;
    // Standard errors: mean 1/sqrt(n) = 0.0016, variance sqrt(2/n) = 0.0022; allow about 4 of them.
    expect(Math.abs(mean)).toBeLessThan(0.0064);
    expect(Math.abs(squares / n - mean * mean - 1)).toBeLessThan(0.009);
    expect(beyondTwo / n).toBeCloseTo(0.0455, 2);
  });

  it('rejects seeds outside [0, 2^32) and non-integers', () => {
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => createNoise(seed)).toThrow(expect.objectContaining({ code: 'seed_out_of_range', input: 'seed' }));
    }
  });
});
