import { noiseStreamOutOfRange, seedOutOfRange } from './errors.ts';

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

/**
 * xoshiro128** (Blackman & Vigna 2018): 32-bit outputs, period 2^128 - 1. The state is the seed's
 * SplitMix32 words; stream k > 0 XORs in the SplitMix32 words of k, so every (seed, stream) key
 * starts its own sequence and stream 0 is the seed's original one.
 */
function xoshiro128(seed: number, stream: number): () => number {
  const s = new Uint32Array(4);
  let state = seed;
  for (let i = 0; i < 4; i++) [state, s[i]] = splitMix32(state);
  let streamState = stream;
  for (let i = 0; stream > 0 && i < 4; i++) {
    let word: number;
    [streamState, word] = splitMix32(streamState);
    s[i] ^= word;
  }
  if (s.every((word) => word === 0)) s[0] = 1;
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

const isKey = (value: number) => Number.isInteger(value) && value >= 0 && value < 2 ** 32;

function checkKeys(seed: number, stream: number): void {
  if (!isKey(seed)) throw seedOutOfRange(seed);
  if (!isKey(stream)) throw noiseStreamOutOfRange(stream);
}

/**
 * The project's seeded Gaussian noise: xoshiro128** bits, 53-bit uniforms, Box-Muller in float64,
 * rounded to float32. Integer arithmetic plus V8's own (software) log/sin/cos make the stream the
 * same on every machine, so a seed means the same image everywhere. `stream` 0 (the default) is
 * the seed's initial noise; other streams are independent sequences of the same seed.
 */
export function createNoise(seed: number, stream = 0): NoiseSource {
  checkKeys(seed, stream);
  const next = xoshiro128(seed, stream);
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

/** Fresh noise of one latent for step `step` of a schedule; `draw` 0 or 1 for a step's first or second draw. */
export type StepNoise = (step: number, draw?: number) => Float32Array;

/** Draws a sampler may take per step (dpmpp_sde takes two). */
const DRAWS_PER_STEP = 2;

/**
 * Noise keyed by position rather than by consumption (as k-diffusion's BrownianTreeNoiseSampler
 * is by interval): step `step`'s draw is stream 1 + 2 * step + draw of the seed, whatever ran
 * before it, so a schedule split over several runs gets the same noise as one run.
 */
export function createStepNoise(seed: number, length: number): StepNoise {
  checkKeys(seed, 0);
  return (step, draw = 0) => {
    if (!Number.isInteger(step) || step < 0 || !(draw === 0 || draw === 1)) {
      throw new RangeError(`step noise needs a step >= 0 and draw 0 or 1, got step ${step}, draw ${draw}`);
    }
    return createNoise(seed, 1 + DRAWS_PER_STEP * step + draw).normal(length);
  };
}
