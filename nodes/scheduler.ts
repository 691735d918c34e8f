import { choice, defineNode, float, int, output } from '../runtime/index.ts';
import { buildSchedule, SAMPLERS, SCHEDULES } from '../models/schedulers/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Schedule } from './lib/sd-types.ts';

export default defineNode({
  type: 'Scheduler',
  displayName: 'Scheduler',
  category: 'sampling',
  description:
    'Chooses the sampler and the noise levels (sigmas, and the matching UNet timesteps) that UNetStep walks through. ' +
    '`default` spaces the steps the sampler\'s usual way (ddpm, ddim and plms: the original 1000 // steps spacing); ' +
    '`karras` uses Karras et al. (2022) spacing. `denoise` below 1 starts part-way for img2img: ' +
    'only the last int(steps * denoise) steps run. `latentflow schedule` prints the same numbers.',
  inputs: {
    sampler: choice({ choices: SAMPLERS, default: 'euler', description: 'Sampling algorithm.' }),
    schedule: choice({ choices: SCHEDULES, default: 'default', description: 'How noise levels are spaced.' }),
    steps: int({ default: 20, min: 1, max: 1000, description: 'Denoising steps (before denoise strength is applied).' }),
    denoise: float({ default: 1, min: 0, max: 1, step: 0.01, description: '1 = from pure noise; lower keeps more of the input latent.' }),
  },
  outputs: {
    schedule: output<Schedule>(SD_TYPES.schedule, 'Sampler name, sigmas and timesteps'),
  },
  async execute({ sampler, schedule, steps, denoise }) {
    const built = buildSchedule({ sampler, schedule, steps, denoise });
    return { schedule: { sampler, sigmas: Array.from(built.sigmas), timesteps: Array.from(built.timesteps) } };
  },
});
