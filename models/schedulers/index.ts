export { buildSchedule, DENOISE_RULES, SCHEDULE_ALIASES, SCHEDULERS } from './schedules.ts';
export type { BuiltSchedule, DenoiseRule, ScheduleOptions } from './schedules.ts';
export { karrasSigmas, SPACINGS } from './spacings.ts';
export type { Spacing } from './spacings.ts';
export {
  ALPHAS_CUMPROD,
  SIGMA_MAX,
  SIGMA_MIN,
  sigmaToTimestep,
  timestepToSigma,
  TRAINING_SIGMAS,
  TRAINING_TIMESTEPS,
} from './training-schedule.ts';
export { prepareInitial, sample } from './sample.ts';
export type { SampleOptions, StepInfo } from './sample.ts';
export { findSampler, MULTISTEP_SAMPLERS, SAMPLER_DESCRIPTORS, SAMPLERS, STOCHASTIC_SAMPLERS } from './samplers/index.ts';
export { A1111_SAMPLERS, A1111_SCHEDULERS, fromA1111 } from './a1111.ts';
export type { SamplerChoice } from './a1111.ts';
export type { Denoiser, GuidedDenoiser, Sampler, SamplerDescriptor, SamplerSetup, StepResult } from './sampler.ts';
export type { NoiseSource, StepNoise } from '../noise.ts';
export { createNoise, createStepNoise } from '../noise.ts';
export { samplerTable, scheduleTable } from './describe.ts';
