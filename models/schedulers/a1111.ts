/**
 * AUTOMATIC1111's sampler labels (`sampler_name` in /sdapi/v1) as (sampler, scheduler) pairs of
 * ours. A bare label ("DPM++ 2M") maps to the scheduler A1111 1.9+ picks for it when `scheduler`
 * is "Automatic"; the older labels with the scheduler in the name ("DPM++ 2M Karras") carry it.
 * Labels A1111 has and we do not (DPM fast, DPM adaptive, Restart, DPM++ 2M SDE Heun, DDIM CFG++)
 * are absent, and so are our samplers A1111 lacks (euler_cfg_pp, ipndm, deis, uni_pc_bh2, ddpm):
 * a caller should refuse an unknown label by name.
 */
export interface SamplerChoice {
  sampler: string;
  scheduler: string;
}

const pair = (sampler: string, scheduler: string): SamplerChoice => ({ sampler, scheduler });

export const A1111_SAMPLERS: Readonly<Record<string, SamplerChoice>> = {
  Euler: pair('euler', 'normal'),
  'Euler a': pair('euler_ancestral', 'normal'),
  LMS: pair('lms', 'normal'),
  'LMS Karras': pair('lms', 'karras'),
  Heun: pair('heun', 'normal'),
  DPM2: pair('dpm_2', 'karras'),
  'DPM2 Karras': pair('dpm_2', 'karras'),
  'DPM2 a': pair('dpm_2_ancestral', 'karras'),
  'DPM2 a Karras': pair('dpm_2_ancestral', 'karras'),
  'DPM++ 2S a': pair('dpmpp_2s_ancestral', 'karras'),
  'DPM++ 2S a Karras': pair('dpmpp_2s_ancestral', 'karras'),
  'DPM++ 2M': pair('dpmpp_2m', 'karras'),
  'DPM++ 2M Karras': pair('dpmpp_2m', 'karras'),
  'DPM++ SDE': pair('dpmpp_sde', 'karras'),
  'DPM++ SDE Karras': pair('dpmpp_sde', 'karras'),
  'DPM++ 2M SDE': pair('dpmpp_2m_sde', 'exponential'),
  'DPM++ 2M SDE Karras': pair('dpmpp_2m_sde', 'karras'),
  'DPM++ 2M SDE Exponential': pair('dpmpp_2m_sde', 'exponential'),
  'DPM++ 3M SDE': pair('dpmpp_3m_sde', 'exponential'),
  'DPM++ 3M SDE Karras': pair('dpmpp_3m_sde', 'karras'),
  'DPM++ 3M SDE Exponential': pair('dpmpp_3m_sde', 'exponential'),
  DDIM: pair('ddim', 'ddim_uniform'),
  PLMS: pair('plms', 'ddim_uniform'),
  UniPC: pair('uni_pc', 'normal'),
  LCM: pair('lcm', 'normal'),
};

/**
 * A1111's scheduler choices (1.9+, by label and by API name) as our schedule names; `Automatic`
 * is absent because it means "the sampler's own" (the scheduler in A1111_SAMPLERS).
 */
export const A1111_SCHEDULERS: Readonly<Record<string, string>> = {
  Uniform: 'normal',
  uniform: 'normal',
  Normal: 'normal',
  normal: 'normal',
  Karras: 'karras',
  karras: 'karras',
  Exponential: 'exponential',
  exponential: 'exponential',
  'SGM Uniform': 'sgm_uniform',
  sgm_uniform: 'sgm_uniform',
  Simple: 'simple',
  simple: 'simple',
  DDIM: 'ddim_uniform',
  ddim: 'ddim_uniform',
  Beta: 'beta',
  beta: 'beta',
};

/** The (sampler, scheduler) pair for an A1111 label and optional scheduler choice, or undefined for a label we do not have. */
export function fromA1111(samplerName: string, scheduler?: string): SamplerChoice | undefined {
  const choice = A1111_SAMPLERS[samplerName];
  if (!choice) return undefined;
  if (scheduler === undefined || scheduler === 'Automatic' || scheduler === 'automatic') return choice;
  const mapped = A1111_SCHEDULERS[scheduler];
  return mapped === undefined ? undefined : { sampler: choice.sampler, scheduler: mapped };
}
