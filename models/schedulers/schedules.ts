import {
  denoiseLeavesNoSteps,
  denoiseOutOfRange,
  denoiseStretchesTooFar,
  stepsOutOfRange,
  unknownDenoiseRule,
  unknownSampler,
  unknownSchedule,
} from '../errors.ts';
import { findSampler, SAMPLERS } from './samplers/index.ts';
import { SPACINGS } from './spacings.ts';
import { sigmaToTimestep, TRAINING_TIMESTEPS } from './training-schedule.ts';

/** ComfyUI's scheduler names (plus `leading`, the CompVis reference's spacing), in ComfyUI's menu order. */
export const SCHEDULERS: readonly string[] = SPACINGS.map((s) => s.name);

/**
 * Names kept for workflows made before the ComfyUI names: `default` was each sampler's usual
 * spacing, `leading` for ddpm, ddim and plms and `normal` for the others (without ComfyUI's
 * dropped next-to-last level), and gives exactly the sigmas it gave then.
 */
export const SCHEDULE_ALIASES: readonly string[] = ['default'];

/** How `denoise` shortens a schedule. */
export const DENOISE_RULES = ['truncate', 'stretch'] as const;
export type DenoiseRule = (typeof DENOISE_RULES)[number];

export interface ScheduleOptions {
  sampler: string;
  schedule: string;
  /** Steps of the full schedule (truncate) or steps to run (stretch). */
  steps: number;
  /** img2img strength in (0, 1]; default 1. */
  denoise?: number;
  /**
   * `truncate` (default, the CompVis reference's img2img rule): a schedule of `steps` of
   * which the last int(steps * denoise) run. `stretch` (ComfyUI's KSampler): a schedule of
   * int(steps / denoise) of which the last `steps` run.
   */
  denoiseRule?: string;
}

export interface BuiltSchedule {
  /** The noise level before each step, then 0: length steps' + 1. */
  sigmas: Float64Array;
  /** The UNet timestep of each step's sigma (fractional between training timesteps): length steps'. */
  timesteps: Float64Array;
}

/** The full schedule of n steps (the last level 0 included). */
function fullSigmas(sampler: string, schedule: string, steps: number): number[] {
  const descriptor = findSampler(sampler);
  if (!descriptor) throw unknownSampler(sampler, SAMPLERS);
  const alias = schedule === 'default';
  const spacing = SPACINGS.find((s) => s.name === (alias ? descriptor.defaultSpacing : schedule));
  if (!spacing) throw unknownSchedule(schedule, [...SCHEDULERS, ...SCHEDULE_ALIASES]);
  if (alias || !descriptor.discardPenultimateSigma) return [...spacing.levels(steps), 0];
  const levels = spacing.levels(steps + 1);
  return [...levels.slice(0, -1), 0];
}

/**
 * The noise levels a sampler walks through, with the UNet timestep of each: the chosen spacing
 * (any spacing works with any sampler), ending with sigma 0, shortened for img2img by `denoise`.
 * As in ComfyUI, dpm_2, dpm_2_ancestral, uni_pc and uni_pc_bh2 build one level more and drop the
 * next-to-last one.
 */
export function buildSchedule(options: ScheduleOptions): BuiltSchedule {
  const { sampler, schedule, steps, denoise = 1, denoiseRule = 'truncate' } = options;
  if (!Number.isInteger(steps) || steps < 1 || steps > TRAINING_TIMESTEPS) throw stepsOutOfRange(steps, TRAINING_TIMESTEPS);
  if (!(denoise >= 0 && denoise <= 1)) throw denoiseOutOfRange(denoise);
  if (!(DENOISE_RULES as readonly string[]).includes(denoiseRule)) throw unknownDenoiseRule(denoiseRule, DENOISE_RULES);
  const total = denoiseRule === 'stretch' ? Math.floor(steps / denoise) : steps;
  if (total > TRAINING_TIMESTEPS) throw denoiseStretchesTooFar(denoise, steps, total, TRAINING_TIMESTEPS);
  const full = fullSigmas(sampler, schedule, total);
  const built = full.length - 1;
  const kept = denoiseRule === 'stretch' ? Math.min(steps, built) : Math.floor(built * denoise);
  if (kept === 0) throw denoiseLeavesNoSteps(denoise, steps);
  const sigmas = full.slice(built - kept);
  return { sigmas: Float64Array.from(sigmas), timesteps: Float64Array.from(sigmas.slice(0, -1), sigmaToTimestep) };
}
