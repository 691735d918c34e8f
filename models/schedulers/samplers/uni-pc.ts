import { combine, defineSampler } from '../sampler.ts';
import type { SamplerDescriptor } from '../sampler.ts';

const MAX_ORDER = 3;

/** Solves the small dense system a x = b by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, r) => [...row.slice(0, n), b[r]]);
  for (let c = 0; c < n; c++) {
    const pivot = m.slice(c).reduce((best, row, k) => (Math.abs(row[c]) > Math.abs(m[best][c]) ? c + k : best), c);
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) x[r] = (m[r][n] - m[r].slice(r + 1, n).reduce((s, v, k) => s + v * x[r + 1 + k], 0)) / m[r][r];
  return x;
}

interface Update {
  /** The first-order part (sigma'/sigma) x - expm1(-h) D. */
  base: Float32Array;
  /** B(h), which scales every correction. */
  bh: number;
  /** Divided differences (D_k - D) / r_k of the earlier estimates. */
  differences: Float32Array[];
  /** Corrector weights: one per difference, then the new estimate's. */
  corrector: number[];
  /** The clean estimate the step started from. */
  from: Float32Array;
}

/**
 * One UniPC step of `order` from sigma (estimate D, history `earlier` newest first at `earlierSigmas`)
 * to sigmaNext, in data prediction and lambda = -log sigma (Zhao et al. 2023, Algorithm "B(h)";
 * the VP form of the reference divided by alpha_t). Returns the predictor's x and what the corrector needs.
 */
function update(x: Float32Array, sigma: number, sigmaNext: number, estimate: Float32Array, earlier: Float32Array[], earlierSigmas: number[], order: number, variant: 'bh1' | 'bh2') {
  const h = Math.log(sigma / sigmaNext);
  const rks = earlier.slice(0, order - 1).map((_, k) => Math.log(sigma / earlierSigmas[k]) / h);
  const differences = rks.map((r, k) => combine([[1 / r, earlier[k]], [-1 / r, estimate]]));
  rks.push(1);
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  const bh = variant === 'bh1' ? hh : Math.expm1(hh);
  const rows: number[][] = [];
  const b: number[] = [];
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  for (let k = 1; k <= order; k++) {
    rows.push(rks.map((r) => r ** (k - 1)));
    b.push((hPhiK * factorial) / bh);
    factorial *= k + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  const base = combine([[sigmaNext / sigma, x], [-hPhi1, estimate]]);
  const predictor = order === 2 ? [0.5] : differences.length > 0 ? solve(rows.slice(0, -1).map((row) => row.slice(0, -1)), b.slice(0, -1)) : [];
  const corrector = order === 1 ? [0.5] : solve(rows, b);
  const predicted = differences.length === 0 ? base : combine([[1, base], ...differences.map((d, k) => [-bh * predictor[k], d] as const)]);
  const pending: Update = { base, bh, differences, corrector, from: estimate };
  return { predicted, pending };
}

/** The corrector: the same step again with the new estimate at its end joining the differences. */
function correct(pending: Update, estimate: Float32Array): Float32Array {
  const { base, bh, differences, corrector, from } = pending;
  const last = corrector[corrector.length - 1];
  return combine([
    [1, base],
    ...differences.map((d, k) => [-bh * corrector[k], d] as const),
    [-bh * last, estimate],
    [bh * last, from],
  ]);
}

/**
 * UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework"), multistep, order 3,
 * data prediction, as ComfyUI's `uni_pc` (its extra_samplers/uni_pc.py, from wl-zhao/UniPC)
 * runs it: each step's model call also corrects the previous step (UniC), then predicts the next
 * (UniP); the order ramps up over the first steps and back down over the last ones
 * (lower_order_final), and the final step is not corrected. Where the reference stops at sigma
 * 0.001 instead of 0, the last step here returns the clean estimate (its limit).
 */
function uniPc(variant: 'bh1' | 'bh2'): SamplerDescriptor['create'] {
  return ({ denoiser, sigmas }) => {
    const steps = sigmas.length - 1;
    const order = Math.max(1, Math.min(MAX_ORDER, steps - 1));
    const estimates: Float32Array[] = [];
    const estimateSigmas: number[] = [];
    let pending: Update | undefined;
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      const current = pending ? correct(pending, denoised) : x;
      pending = undefined;
      const earlier = estimates.slice();
      const earlierSigmas = estimateSigmas.slice();
      estimates.unshift(denoised);
      estimateSigmas.unshift(sigma);
      estimates.length = Math.min(estimates.length, order);
      estimateSigmas.length = Math.min(estimateSigmas.length, order);
      if (sigmaNext === 0) return { x: denoised, denoised };
      const stepOrder = Math.min(order, i + 1, steps - i);
      const step = update(current, sigma, sigmaNext, denoised, earlier, earlierSigmas, stepOrder, variant);
      pending = step.pending;
      return { x: step.predicted, denoised };
    };
  };
}

export const uniPcBh1 = defineSampler({
  name: 'uni_pc',
  label: 'UniPC',
  multistep: true,
  discardPenultimateSigma: true,
  reference: 'Zhao et al. 2023, arXiv:2302.04867, B(h) = h (bh1); wl-zhao/UniPC (MIT) as in ComfyUI uni_pc',
  create: uniPc('bh1'),
});

export const uniPcBh2 = defineSampler({
  name: 'uni_pc_bh2',
  label: 'UniPC (B(h) = e^h - 1)',
  multistep: true,
  discardPenultimateSigma: true,
  reference: 'Zhao et al. 2023, arXiv:2302.04867, B(h) = e^h - 1 (bh2); wl-zhao/UniPC (MIT) as in ComfyUI uni_pc_bh2',
  create: uniPc('bh2'),
});
