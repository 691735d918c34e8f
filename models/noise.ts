import { seedOutOfRange } from './errors.ts';

/** Standard normal numbers from one seeded stream. */
export interface NoiseSource {
  /** The next `count` numbers of the stream: `normal(a)` then `normal(b)` equals `normal(a + b)`. */
  normal(count: number): Float32Array;
}

/** SplitMix32 step (a 32-bit variant of Steele et al.'s SplitMix), used only to spread the seed over the state. */
function splitMix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** xoshiro128** (Blackman & Vigna 2018): 32-bit outputs, period 2^128 - 1. */
function xoshiro128(seed: number): () => number {
  const s = new Uint32Array(4);
  let state = seed;
  for (let i = 0; i < 4; i++) [state, s[i]] = splitMix32(state);
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The project's seeded Gaussian noise: xoshiro128** bits, 53-bit uniforms, Box-Muller in float64,
 * rounded to float32. Integer arithmetic plus V8's own (software) log/sin/cos make the stream the
 * same on every machine, so a seed means the same image everywhere.
 */
export function createNoise(seed: number): NoiseSource {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw seedOutOfRange(seed);
  }
  const next = xoshiro128(seed);
  /** Uniform in (0, 1], 53 bits. */
  const uniform = () => 1 - ((next() >>> 5) * 2 ** 26 + (next() >>> 6)) / 2 ** 53;
  let spare: number | undefined;
  return {
    normal(count) {
      const out = new Float32Array(count);
      let i = 0;
      if (count > 0 && spare !== undefined) {
        out[i++] = spare;
        spare = undefined;
      }
      while (i < count) {
        const radius = Math.sqrt(-2 * Math.log(uniform()));
        const angle = 2 * Math.PI * uniform();
        out[i++] = radius * Math.cos(angle);
        if (i < count) out[i++] = radius * Math.sin(angle);
        else spare = radius * Math.sin(angle);
      }
      return out;
    },
  };
}
