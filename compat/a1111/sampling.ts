import { A1111_SAMPLERS, A1111_SCHEDULERS } from '../../models/schedulers/index.ts';

export interface SamplingChoice {
  sampler: string;
  schedule: string;
}

interface Available {
  samplers: string[];
  schedules: string[];
}

const isAutomatic = (scheduler: string | undefined) => scheduler === undefined || scheduler.toLowerCase() === 'automatic';

/**
 * The latentflow sampler and schedule for an A1111 `sampler_name` (a label, or one of our sampler ids,
 * whose own schedule is `normal`) and `scheduler`, among the choices this latentflow has; `missing`
 * names the part that is not available.
 */
export function samplingFor(samplerName: string, scheduler: string | undefined, available: Available): SamplingChoice | { missing: 'sampler_name' | 'scheduler' } {
  const labelled = A1111_SAMPLERS[samplerName] ?? (available.samplers.includes(samplerName) ? { sampler: samplerName, scheduler: 'normal' } : undefined);
  if (labelled === undefined || !available.samplers.includes(labelled.sampler)) return { missing: 'sampler_name' };
  const schedule = isAutomatic(scheduler) ? labelled.scheduler : A1111_SCHEDULERS[scheduler as string];
  if (schedule === undefined || !available.schedules.includes(schedule)) return { missing: 'scheduler' };
  return { sampler: labelled.sampler, schedule };
}

/** The A1111 labels this latentflow can run, each aliased by our sampler id. */
export function availableLabels(available: Pick<Available, 'samplers'>): { name: string; aliases: string[] }[] {
  return Object.entries(A1111_SAMPLERS)
    .filter(([, { sampler }]) => available.samplers.includes(sampler))
    .map(([name, { sampler }]) => ({ name, aliases: [sampler] }));
}

/** A1111's scheduler menu as (API name, label), in its order. */
const SCHEDULER_MENU: [name: string, label: string][] = [
  ['uniform', 'Uniform'],
  ['karras', 'Karras'],
  ['exponential', 'Exponential'],
  ['sgm_uniform', 'SGM Uniform'],
  ['simple', 'Simple'],
  ['ddim', 'DDIM'],
  ['beta', 'Beta'],
];

/** The /sdapi/v1/schedulers entries that run here; "Automatic" (the label's own) always does. */
export function availableSchedulers(available: Pick<Available, 'schedules'>): { name: string; label: string }[] {
  const runs = SCHEDULER_MENU.filter(([name]) => available.schedules.includes(A1111_SCHEDULERS[name]));
  return [{ name: 'automatic', label: 'Automatic' }, ...runs.map(([name, label]) => ({ name, label }))];
}
