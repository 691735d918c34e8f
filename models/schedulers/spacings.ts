import { betaQuantile } from './beta-quantile.ts';
import { SIGMA_MAX, SIGMA_MIN, TRAINING_SIGMAS, TRAINING_TIMESTEPS, timestepToSigma } from './training-schedule.ts';

/** One way to space the noise levels of n steps; `levels(n)` gives sigma before each step, decreasing, without the final 0. */
export interface Spacing {
  /** ComfyUI's scheduler id (`leading` is ours: the CompVis reference's). */
  name: string;
  label: string;
  reference: string;
  levels(steps: number): number[];
}

const LAST = TRAINING_TIMESTEPS - 1;
const KARRAS_RHO = 7;
const BETA_ALPHA = 0.6;
const BETA_BETA = 0.6;

/** n values evenly spaced from `from` to `to`, both included (torch.linspace). */
function linspace(from: number, to: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => (n === 1 ? from : from + ((to - from) * k) / (n - 1)));
}

const atTimesteps = (timesteps: number[]) => timesteps.map((t) => (Number.isInteger(t) ? TRAINING_SIGMAS[t] : timestepToSigma(t)));

/** Karras et al. 2022, eq. 5: sigma_i = (max^(1/rho) + i/(n-1) (min^(1/rho) - max^(1/rho)))^rho, rho = 7. */
export function karrasSigmas(steps: number, sigmaMin = SIGMA_MIN, sigmaMax = SIGMA_MAX): number[] {
  const [minRoot, maxRoot] = [sigmaMin ** (1 / KARRAS_RHO), sigmaMax ** (1 / KARRAS_RHO)];
  return linspace(0, 1, steps).map((ramp) => (maxRoot + ramp * (minRoot - maxRoot)) ** KARRAS_RHO);
}

export const SPACINGS: readonly Spacing[] = [
  {
    name: 'normal',
    label: 'Normal',
    reference: 'n timesteps evenly spaced over 999..0 (k-diffusion DiscreteSchedule.get_sigmas, ComfyUI normal)',
    levels: (n) => atTimesteps(linspace(LAST, 0, n)),
  },
  {
    name: 'karras',
    label: 'Karras',
    reference: 'Karras et al. 2022, arXiv:2206.00364, eq. 5 (rho 7) between the model\'s sigma range',
    levels: (n) => karrasSigmas(n),
  },
  {
    name: 'exponential',
    label: 'Exponential',
    reference: 'evenly spaced in log sigma (k-diffusion get_sigmas_exponential)',
    levels: (n) => linspace(Math.log(SIGMA_MAX), Math.log(SIGMA_MIN), n).map(Math.exp),
  },
  {
    name: 'sgm_uniform',
    label: 'SGM uniform',
    reference: 'n + 1 timesteps evenly spaced over 999..0, the last dropped (ComfyUI sgm_uniform)',
    levels: (n) => atTimesteps(linspace(LAST, 0, n + 1).slice(0, n)),
  },
  {
    name: 'simple',
    label: 'Simple',
    reference: 'every 1000/n-th training sigma from the top (ComfyUI simple)',
    levels: (n) => Array.from({ length: n }, (_, k) => TRAINING_SIGMAS[LAST - Math.floor((k * TRAINING_TIMESTEPS) / n)]),
  },
  {
    name: 'ddim_uniform',
    label: 'DDIM uniform',
    reference: 'timesteps 1, 1 + c, 1 + 2c, ... below 1000 with c = 1000 // n, as the CompVis DDIM sampler (ComfyUI ddim_uniform; may give a step more than asked)',
    levels: (n) => {
      const stride = Math.max(Math.floor(TRAINING_TIMESTEPS / n), 1);
      const timesteps: number[] = [];
      for (let t = 1; t < TRAINING_TIMESTEPS; t += stride) timesteps.push(t);
      return timesteps.reverse().map((t) => TRAINING_SIGMAS[t]);
    },
  },
  {
    name: 'beta',
    label: 'Beta',
    reference: 'timesteps at Beta(0.6, 0.6) quantiles of 1 - k/n, rounded, repeats dropped (Lee et al. 2024, arXiv:2407.12173; ComfyUI beta)',
    levels: (n) => {
      const timesteps = Array.from({ length: n }, (_, k) => Math.round(betaQuantile(1 - k / n, BETA_ALPHA, BETA_BETA) * LAST));
      return timesteps.filter((t, k) => k === 0 || t !== timesteps[k - 1]).map((t) => TRAINING_SIGMAS[t]);
    },
  },
  {
    name: 'leading',
    label: 'Leading (reference)',
    reference: 'the CompVis reference\'s DDPM spacing: timesteps (n - 1) c, ..., c, 0 with c = 1000 // n (diffusers "leading")',
    levels: (n) => {
      const stride = Math.floor(TRAINING_TIMESTEPS / n);
      return Array.from({ length: n }, (_, k) => TRAINING_SIGMAS[(n - 1 - k) * stride]);
    },
  },
];
