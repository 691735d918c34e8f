import type { GuidedDenoiser } from '../../models/schedulers/index.ts';
import type { Conditioning, ConditioningArea } from './sd-types.ts';
import { conditioningBatchMismatch } from './errors.ts';
import type { UnetCall, UnetDenoiserOptions } from './unet-denoiser.ts';

/**
 * Combined and area conditioning, as ComfyUI documents it: a conditioning is a list of prompts (ConditioningCombine
 * joins lists), each with an optional area and strength (ConditioningSetArea). At each step every prompt is run by
 * the UNet on its area of the latent, and the denoised estimates are averaged per latent pixel, weighted by
 * strength, with the weight ramping up over 8 latent pixels from an area's edges inside the latent. A pixel no
 * prompt covers gets 0. The positive and the negative lists are averaged so, then combined by CFG as usual.
 */

/** Conditioning repeated (or checked) to `batch` rows. */
export function conditioningFor(conditioning: Conditioning, batch: number, input: string): Float32Array {
  const [rows] = conditioning.shape;
  if (rows === batch) return conditioning.data;
  if (rows !== 1) {
    throw conditioningBatchMismatch(input, rows, batch);
  }
  const out = new Float32Array(conditioning.data.length * batch);
  for (let b = 0; b < batch; b++) out.set(conditioning.data, b * conditioning.data.length);
  return out;
}

/** The conditioning [B, S, W] repeated along S to `sequence` (a multiple of S). */
export function repeatedTo(conditioning: Conditioning, sequence: number): Conditioning {
  const [rows, length, width] = conditioning.shape;
  if (length === sequence) return conditioning;
  const data = new Float32Array(rows * sequence * width);
  for (let r = 0; r < rows; r++) {
    const row = conditioning.data.subarray(r * length * width, (r + 1) * length * width);
    for (let at = 0; at < sequence; at += length) data.set(row, (r * sequence + at) * width);
  }
  return { data, shape: [rows, sequence, width] };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
export const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;

/** Every prompt of a conditioning: itself (without the others), then the prompts combined with it. */
export function conditioningParts(conditioning: Conditioning): Conditioning[] {
  const { others, ...first } = conditioning;
  return [first, ...(others ?? []).flatMap(conditioningParts)];
}

/** A conditioning of these parts (ConditioningCombine's output). */
export function fromParts(parts: Conditioning[]): Conditioning {
  const [first, ...others] = parts;
  return others.length > 0 ? { ...first, others } : first;
}

/** Whether the conditioning is more than one prompt everywhere at strength 1 (which runs as one batched call). */
export const hasParts = (conditioning: Conditioning) =>
  (conditioning.others?.length ?? 0) > 0 || conditioning.area !== undefined || (conditioning.strength ?? 1) !== 1;

/** Feathering of an area's edges that lie inside the latent, in latent pixels (ComfyUI's). */
const AREA_RAMP = 8;
/** What an uncovered pixel's weight sum is, so that it divides to 0 (ComfyUI's). */
const EMPTY_COUNT = 1e-37;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The area in latent pixels, clipped to the latent; undefined when nothing of it is inside. */
export function latentBox(area: ConditioningArea | undefined, h: number, w: number): Box | undefined {
  if (!area) return { x: 0, y: 0, w, h };
  const [x, y] = [Math.floor(area.x / 8), Math.floor(area.y / 8)];
  const box = { x, y, w: Math.min(Math.floor(area.width / 8), w - x), h: Math.min(Math.floor(area.height / 8), h - y) };
  return box.w > 0 && box.h > 0 ? box : undefined;
}

/** Per pixel of the box: strength, ramped over AREA_RAMP pixels from each edge that is inside the latent. */
export function boxWeights(box: Box, strength: number, h: number, w: number): Float32Array {
  const ramp = (t: number, size: number, start: number, total: number) => {
    let f = 1;
    if (start > 0 && t < AREA_RAMP) f *= (t + 1) / AREA_RAMP;
    if (start + size < total && size - 1 - t < AREA_RAMP) f *= (size - t) / AREA_RAMP;
    return f;
  };
  const weights = new Float32Array(box.w * box.h);
  for (let y = 0; y < box.h; y++) {
    for (let x = 0; x < box.w; x++) weights[y * box.w + x] = strength * ramp(y, box.h, box.y, h) * ramp(x, box.w, box.x, w);
  }
  return weights;
}

/** The box's window of every plane [planes, h, w]. */
function cropBox(data: Float32Array, planes: number, h: number, w: number, box: Box): Float32Array {
  const out = new Float32Array(planes * box.h * box.w);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < box.h; y++) {
      const from = (p * h + box.y + y) * w + box.x;
      out.set(data.subarray(from, from + box.w), (p * box.h + y) * box.w);
    }
  }
  return out;
}

interface Part {
  conditioning: Conditioning;
  side: 0 | 1;
  box: Box;
  weights: Float32Array;
  input: 'positive' | 'negative';
}

export interface PartsDenoiserOptions extends UnetDenoiserOptions {
  guided: boolean;
  call: UnetCall;
  /** The scaled latent with any concat planes, [B, inChannels, h, w]. */
  join: (x: Float32Array, sigma: number) => Float32Array;
  inChannels: number;
}

/** The guided denoiser over every part of the positive (and negative) conditioning: one UNet call per distinct area. */
export function createPartsDenoiser(options: PartsDenoiserOptions): GuidedDenoiser {
  const { shape, cfg, guided, call, join, inChannels } = options;
  const [batch, channels, h, w] = shape;
  const plane = h * w;
  const size = batch * channels * plane;
  const parts: Part[] = [];
  const sides: ['positive' | 'negative', Conditioning][] = guided ? [['positive', options.positive], ['negative', options.negative]] : [['positive', options.positive]];
  sides.forEach(([input, conditioning], side) => {
    for (const part of conditioningParts(conditioning)) {
      const box = latentBox(part.area, h, w);
      if (box) parts.push({ conditioning: part, side: side as 0 | 1, box, weights: boxWeights(box, part.strength ?? 1, h, w), input });
    }
  });
  // Parts of one area run as one batch, their prompts repeated to a common length.
  const groups = new Map<string, Part[]>();
  for (const part of parts) {
    const key = `${part.box.x},${part.box.y},${part.box.w},${part.box.h}`;
    groups.set(key, [...(groups.get(key) ?? []), part]);
  }
  const batches = [...groups.values()].map((group) => {
    const sequence = group.reduce((n, part) => lcm(n, part.conditioning.shape[1]), 1);
    const contexts = group.map((part) => conditioningFor(repeatedTo(part.conditioning, sequence), batch, part.input));
    const context = new Float32Array(contexts.reduce((n, c) => n + c.length, 0));
    contexts.reduce((at, c) => (context.set(c, at), at + c.length), 0);
    return { group, box: group[0].box, context, contextDims: [group.length * batch, sequence, group[0].conditioning.shape[2]] };
  });

  return async (x, sigma) => {
    const joined = join(x, sigma);
    const sums = [new Float32Array(size), new Float32Array(size)];
    const counts = [new Float32Array(batch * plane).fill(EMPTY_COUNT), new Float32Array(batch * plane).fill(EMPTY_COUNT)];
    for (const { group, box, context, contextDims } of batches) {
      const crop = cropBox(joined, batch * inChannels, h, w, box);
      const sample = new Float32Array(crop.length * group.length);
      group.forEach((_, j) => sample.set(crop, j * crop.length));
      const eps = await call(sample, group.length * batch, box.h, box.w, context, contextDims, sigma);
      group.forEach((part, j) => {
        for (let b = 0; b < batch; b++) {
          for (let y = 0; y < box.h; y++) {
            for (let bx = 0; bx < box.w; bx++) {
              const weight = part.weights[y * box.w + bx];
              const pixel = (box.y + y) * w + box.x + bx;
              counts[part.side][b * plane + pixel] += weight;
              for (let c = 0; c < channels; c++) {
                const at = (b * channels + c) * plane + pixel;
                const e = eps[(((j * batch + b) * channels + c) * box.h + y) * box.w + bx];
                sums[part.side][at] += (x[at] - sigma * e) * weight;
              }
            }
          }
        }
      });
    }
    const average = (side: 0 | 1) => sums[side].map((v, i) => v / counts[side][Math.floor(i / (channels * plane)) * plane + (i % plane)]);
    const cond = average(0);
    if (!guided) return { denoised: cond, unconditional: cond };
    const uncond = average(1);
    return { denoised: cond.map((v, i) => uncond[i] + cfg * (v - uncond[i])), unconditional: uncond };
  };
}
