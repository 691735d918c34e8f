export { buildSchedule, karrasSigmas, SCHEDULES } from './schedules.ts';
export type { BuiltSchedule, ScheduleName, ScheduleOptions } from './schedules.ts';
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
export { MULTISTEP_SAMPLERS, SAMPLERS } from './samplers/index.ts';
export type { SamplerName } from './samplers/index.ts';
export type { Denoiser, Sampler, SamplerSetup, StepResult } from './sampler.ts';
export type { NoiseSource } from '../noise.ts';
export { createNoise } from '../noise.ts';
