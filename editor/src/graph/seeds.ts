import type { SeedMode } from '../workflow/types.ts';

const SEED_RANGE = 2 ** 32;

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** The seed to show after a run was queued with `seed`. */
export function nextSeed(seed: number, mode: SeedMode, random: () => number = randomSeed): number {
  if (mode === 'increment') return (seed + 1) % SEED_RANGE;
  if (mode === 'randomize') return random();
  return seed;
}
