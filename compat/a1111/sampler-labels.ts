/**
 * AUTOMATIC1111's sampler labels as (sampler, scheduler) in ComfyUI's names, which are latentflow's.
 * The scheduler is what A1111 1.9+ picks for the label when `scheduler` is "Automatic".
 */
const LABELS: Record<string, [sampler: string, scheduler: string]> = {
  Euler: ['euler', 'normal'],
  'Euler a': ['euler_ancestral', 'normal'],
  LMS: ['lms', 'normal'],
  'LMS Karras': ['lms', 'karras'],
  Heun: ['heun', 'normal'],
  DPM2: ['dpm_2', 'karras'],
  'DPM2 Karras': ['dpm_2', 'karras'],
  'DPM2 a': ['dpm_2_ancestral', 'karras'],
  'DPM2 a Karras': ['dpm_2_ancestral', 'karras'],
  'DPM++ 2S a': ['dpmpp_2s_ancestral', 'karras'],
  'DPM++ 2M': ['dpmpp_2m', 'karras'],
  'DPM++ 2M Karras': ['dpmpp_2m', 'karras'],
  'DPM++ SDE': ['dpmpp_sde', 'karras'],
  'DPM++ SDE Karras': ['dpmpp_sde', 'karras'],
  'DPM++ 2M SDE': ['dpmpp_2m_sde', 'exponential'],
  'DPM++ 2M SDE Karras': ['dpmpp_2m_sde', 'karras'],
  'DPM++ 3M SDE': ['dpmpp_3m_sde', 'exponential'],
  DDIM: ['ddim', 'ddim_uniform'],
  DDPM: ['ddpm', 'normal'],
  PLMS: ['plms', 'ddim_uniform'],
  UniPC: ['uni_pc', 'normal'],
  LCM: ['lcm', 'normal'],
};

/** A1111's scheduler choices (label and API name) in ComfyUI's names; "Automatic" means the label's own. */
const SCHEDULERS: Record<string, string> = {
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

/** Until latentflow's schedules carry ComfyUI's names, `normal` is its `default`. */
const OURS: Record<string, string> = { normal: 'default' };

export interface SamplingChoice {
  sampler: string;
  schedule: string;
}

/**
 * The latentflow sampler and schedule for an A1111 `sampler_name` (a label, or one of our ids) and
 * `scheduler`, among the choices this latentflow has; undefined names the part that is missing.
 */
export function samplingFor(
  samplerName: string,
  scheduler: string | undefined,
  available: { samplers: string[]; schedules: string[] },
): SamplingChoice | { missing: 'sampler_name' | 'scheduler' } {
  const [sampler, automatic] = LABELS[samplerName] ?? (available.samplers.includes(samplerName) ? [samplerName, 'normal'] : [undefined, 'normal']);
  if (sampler === undefined || !available.samplers.includes(sampler)) return { missing: 'sampler_name' };
  const wanted = scheduler === undefined || scheduler.toLowerCase() === 'automatic' ? automatic : SCHEDULERS[scheduler];
  const schedule = [wanted, OURS[wanted ?? '']].find((name) => name !== undefined && available.schedules.includes(name));
  if (schedule === undefined) return { missing: 'scheduler' };
  return { sampler, schedule };
}

/** The A1111 labels this latentflow can run. */
export function availableLabels(available: { samplers: string[] }): { name: string; aliases: string[] }[] {
  return Object.entries(LABELS)
    .filter(([, [sampler]]) => available.samplers.includes(sampler))
    .map(([name, [sampler]]) => ({ name, aliases: [sampler] }));
}

export const A1111_SCHEDULER_LABELS = ['Automatic', 'Uniform', 'Karras', 'Exponential', 'SGM Uniform', 'Simple', 'DDIM', 'Beta'];
export const schedulerLabelName = (label: string) => SCHEDULERS[label] ?? 'automatic';
