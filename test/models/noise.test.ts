import { describe, expect, it } from 'vitest';
import { createNoise, createStepNoise } from '../../models/noise.ts';

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

describe('createNoise streams', () => {
  it('keeps stream 0 as the seed\'s original sequence, so existing seeds give the same initial noise', () => {
    expect(createNoise(42, 0).normal(3)).toEqual(createNoise(42).normal(3));
  });

  it('gives each (seed, stream) pair its own sequence', () => {
    const sequences = [[0, 1], [0, 2], [1, 1], [1, 0]].map(([seed, stream]) => Array.from(createNoise(seed, stream).normal(8)));
    expect(new Set(sequences.map((s) => s.join())).size).toBe(4);
  });

  it('rejects a stream outside [0, 2^32)', () => {
    expect(() => createNoise(1, -1)).toThrow(expect.objectContaining({ code: 'noise_stream_out_of_range' }));
  });
});

describe('createStepNoise', () => {
  it('keys noise by (seed, step, draw): the same whatever was drawn before, different between keys', () => {
    const noise = createStepNoise(7, 16);
    const fifth = Array.from(noise(5));
    noise(0);
    noise(3, 1);
    expect(Array.from(createStepNoise(7, 16)(5))).toEqual(fifth);
    const others = [noise(4), noise(5, 1), createStepNoise(8, 16)(5), createNoise(7).normal(16)];
    for (const other of others) expect(Array.from(other)).not.toEqual(fifth);
  });

  it('is standard normal across steps', () => {
    const noise = createStepNoise(3, 1000);
    const values = Array.from({ length: 100 }, (_, step) => Array.from(noise(step))).flat();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.013);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it('refuses a negative step or a third draw', () => {
    const noise = createStepNoise(0, 4);
    expect(() => noise(-1)).toThrow(RangeError);
    expect(() => noise(0, 2)).toThrow(RangeError);
  });
});
