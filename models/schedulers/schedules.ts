import { denoiseLeavesNoSteps, denoiseOutOfRange, stepsOutOfRange, unknownSampler, unknownSchedule } from '../errors.ts';
import { isSamplerName, SAMPLERS } from './samplers/index.ts';
import type { SamplerName } from './samplers/index.ts';
import { SIGMA_MAX, SIGMA_MIN, sigmaToTimestep, TRAINING_SIGMAS, TRAINING_TIMESTEPS, timestepToSigma } from './training-schedule.ts';

export const SCHEDULES = ['default', 'karras'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** Samplers whose `default` schedule is the seed's DDPM timestep spacing. */
const TIMESTEP_SAMPLERS: readonly SamplerName[] = ['ddpm', 'ddim', 'plms'];
const KARRAS_RHO = 7;

export interface ScheduleOptions {
  sampler: string;
  schedule: string;
  /** Steps of the full schedule, before denoise strength is applied. */
  steps: number;
  /** img2img strength in [0, 1]; only the last int(steps * denoise) steps run. */
  denoise?: number;
}

export interface BuiltSchedule {
  /** The noise level before each step, then 0: length steps' + 1. */
  sigmas: Float64Array;
  /** The UNet timestep of each step's sigma (fractional between training timesteps): length steps'. */
  timesteps: Float64Array;
}

/** The seed's spacing: ratio = 1000 // n, timesteps (n - 1) * ratio, ..., ratio, 0 (n = 50: 980, 960, ..., 0). */
function seedTimesteps(steps: number): number[] {
  const ratio = Math.floor(TRAINING_TIMESTEPS / steps);
  return Array.from({ length: steps }, (_, k) => (steps - 1 - k) * ratio);
}

/** n timesteps evenly spaced from 999 down to 0 (fractional), as k-diffusion's default sigma schedule. */
function linearTimesteps(steps: number): number[] {
  const last = TRAINING_TIMESTEPS - 1;
  return Array.from({ length: steps }, (_, k) => (steps === 1 ? last : last - (last * k) / (steps - 1)));
}

/** Karras et al. 2022, eq. 5: sigma_i = (max^(1/rho) + i/(n-1) (min^(1/rho) - max^(1/rho)))^rho, rho = 7. */
export function karrasSigmas(steps: number, sigmaMin = SIGMA_MIN, sigmaMax = SIGMA_MAX): number[] {
  const [minRoot, maxRoot] = [sigmaMin ** (1 / KARRAS_RHO), sigmaMax ** (1 / KARRAS_RHO)];
  return Array.from({ length: steps }, (_, i) => (maxRoot + (steps === 1 ? 0 : i / (steps - 1)) * (minRoot - maxRoot)) ** KARRAS_RHO);
}

function fullSchedule(sampler: SamplerName, schedule: ScheduleName, steps: number): { sigmas: number[]; timesteps: number[] } {
  if (schedule === 'karras') {
    const sigmas = karrasSigmas(steps);
    return { sigmas, timesteps: sigmas.map(sigmaToTimestep) };
  }
  const timesteps = TIMESTEP_SAMPLERS.includes(sampler) ? seedTimesteps(steps) : linearTimesteps(steps);
  return { sigmas: timesteps.map((t) => (Number.isInteger(t) ? TRAINING_SIGMAS[t] : timestepToSigma(t))), timesteps };
}

/**
 * The noise levels a sampler walks through, with the UNet timestep of each.
 * `default`: ddpm, ddim and plms use the seed's integer timesteps (1000 // n spacing); the sigma
 * samplers use n timesteps evenly spaced over 999..0. `karras`: Karras et al. sigmas between the
 * model's smallest and largest training sigma, for any sampler. Both end with sigma 0. With
 * denoise s < 1 the first n - int(n * s) steps are skipped (the seed's img2img rule).
 */
export function buildSchedule(options: ScheduleOptions): BuiltSchedule {
  const { sampler, schedule, steps, denoise = 1 } = options;
  if (!isSamplerName(sampler)) {
    throw unknownSampler(sampler, SAMPLERS);
  }
  if (!(SCHEDULES as readonly string[]).includes(schedule)) {
    throw unknownSchedule(schedule, SCHEDULES);
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > TRAINING_TIMESTEPS) {
    throw stepsOutOfRange(steps, TRAINING_TIMESTEPS);
  }
  if (!(denoise >= 0 && denoise <= 1)) {
    throw denoiseOutOfRange(denoise);
  }
  const kept = Math.floor(steps * denoise);
  if (kept === 0) {
    throw denoiseLeavesNoSteps(denoise, steps);
  }
  const full = fullSchedule(sampler, schedule as ScheduleName, steps);
  return {
    sigmas: Float64Array.from([...full.sigmas.slice(steps - kept), 0]),
    timesteps: Float64Array.from(full.timesteps.slice(steps - kept)),
  };
}
