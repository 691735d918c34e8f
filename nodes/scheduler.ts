import { choice, defineNode, float, int, output } from '../runtime/index.ts';
import { buildSchedule, DENOISE_RULES, SAMPLERS, SCHEDULE_ALIASES, SCHEDULERS } from '../models/schedulers/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Schedule } from './lib/sd-types.ts';

/** What `default` meant for each sampler before version 2, where a ComfyUI name gives exactly the same levels. */
function canonicalSchedule(sampler: unknown): string {
  if (sampler === 'ddpm' || sampler === 'ddim' || sampler === 'plms') return 'leading';
  // dpm_2 and dpm_2_ancestral under `normal` drop a level as ComfyUI does, which `default` never did.
  if (sampler === 'dpm_2' || sampler === 'dpm_2_ancestral' || typeof sampler !== 'string') return 'default';
  return 'normal';
}

export default defineNode({
  type: 'Scheduler',
  version: 2,
  /** Version 1 knew only `default` (its default) and `karras`: name the same spacing the ComfyUI way where one exists. */
  migrate(inputs, fromVersion) {
    if (fromVersion >= 2) return inputs;
    const schedule = inputs.schedule ?? 'default';
    return { ...inputs, schedule: schedule === 'default' ? canonicalSchedule(inputs.sampler) : schedule };
  },
  displayName: 'Scheduler',
  category: 'sampling',
  description:
    'Chooses the sampler (ComfyUI\'s names) and the noise levels (sigmas) that UNetStep walks through. ' +
    'Any schedule works with any sampler: ComfyUI\'s normal, karras, exponential, sgm_uniform, simple, ddim_uniform and beta, ' +
    'and `leading`, the CompVis reference\'s 1000 // steps spacing. `default` (from older workflows) is the sampler\'s ' +
    'usual spacing: leading for ddpm, ddim and plms, normal for the others. `denoise` below 1 starts part-way for img2img: ' +
    'with denoise_rule `truncate` only the last int(steps * denoise) of `steps` run; with `stretch` (ComfyUI\'s KSampler) the ' +
    'schedule has int(steps / denoise) steps and the last `steps` of them run. `latentflow schedule` prints the same numbers.',
  inputs: {
    sampler: choice({ choices: SAMPLERS, default: 'euler', description: 'Sampling algorithm.' }),
    schedule: choice({ choices: [...SCHEDULERS, ...SCHEDULE_ALIASES], default: 'normal', description: 'How noise levels are spaced.' }),
    steps: int({ default: 20, min: 1, max: 1000, description: 'Denoising steps (before denoise strength is applied).' }),
    denoise: float({ default: 1, min: 0, max: 1, step: 0.01, description: '1 = from pure noise; lower keeps more of the input latent.' }),
    denoise_rule: choice({
      choices: DENOISE_RULES,
      default: 'truncate',
      description: 'truncate: run the last int(steps * denoise) of steps; stretch: run `steps` of int(steps / denoise) (ComfyUI KSampler).',
    }),
  },
  outputs: {
    schedule: output<Schedule>(SD_TYPES.schedule, 'Sampler name and sigmas'),
  },
  async execute({ sampler, schedule, steps, denoise, denoise_rule }) {
    const built = buildSchedule({ sampler, schedule, steps, denoise, denoiseRule: denoise_rule });
    return { schedule: { sampler, sigmas: Array.from(built.sigmas) } };
  },
});
