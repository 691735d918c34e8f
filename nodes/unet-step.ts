import { defineNode, float, int, output, seed, socket } from '../runtime/index.ts';
import { latentShapeInvalid, noStepsToRun } from './lib/errors.ts';
import { createNoise, prepareInitial, sample, sigmaToTimestep } from '../models/schedulers/index.ts';
import { latentPreviewImage } from './lib/latent-preview.ts';
import { createUnetDenoiser } from './lib/unet-denoiser.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Conditioning, Latent, Schedule, UnetHandle } from './lib/sd-types.ts';

export default defineNode({
  type: 'UNetStep',
  displayName: 'UNet Sampler',
  category: 'sampling',
  description:
    'Denoises a latent over the schedule\'s steps [start_step, end_step) with the scheduler\'s sampler. ' +
    'Each step runs the UNet once on the batch [positive, negative] and mixes them with the CFG scale ' +
    '(cfg 1 skips the negative prompt). Starting at step 0 it first adds noise drawn from `seed` at the first noise level: ' +
    'to an empty latent that is txt2img, to a VAE-encoded image (with denoise < 1) img2img. The same seed gives the same ' +
    'image on every machine and backend. Starting later (start_step > 0) continues the partly denoised latent of another ' +
    'UNetStep that stopped at that step, adding no noise: with the same seed, single-step samplers (also the ancestral ones) ' +
    'give the same result as one unsplit run; multistep samplers restart their history there. ' +
    'After every step it reports progress and previews the current estimate of the clean latent (raw, and as a cheap ' +
    'RGB picture at latent resolution). Cancelling stops it between steps.',
  inputs: {
    unet: socket<UnetHandle>(SD_TYPES.unet),
    positive: socket<Conditioning>(SD_TYPES.conditioning, { description: 'What the image should show.' }),
    negative: socket<Conditioning>(SD_TYPES.conditioning, { description: 'What it should not show (usually the empty prompt).' }),
    latent: socket<Latent>(SD_TYPES.latent),
    schedule: socket<Schedule>(SD_TYPES.schedule),
    cfg: float({ default: 7, min: 1, max: 30, step: 0.5, description: 'Classifier-free guidance scale.' }),
    seed: seed({ default: 0, description: 'Seed of the noise (and of the ancestral samplers\' fresh noise).' }),
    start_step: int({ default: 0, min: 0, max: 1000, description: 'First step to run.' }),
    end_step: int({ default: 0, min: 0, max: 1000, description: 'Step to stop before; 0 runs to the end.' }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent, 'The denoised latent (still noisy when stopping before the end)'),
  },
  async execute(inputs, ctx) {
    const { unet, positive, negative, latent, schedule, cfg } = inputs;
    const steps = schedule.sigmas.length - 1;
    const start = inputs.start_step;
    const end = inputs.end_step === 0 ? steps : Math.min(inputs.end_step, steps);
    if (start >= end) {
      throw noStepsToRun(start, end, steps);
    }
    if (latent.shape.length !== 4 || latent.shape[1] !== 4) {
      throw latentShapeInvalid(latent.shape);
    }

    const session = await ctx.env.sessions.open(unet.path, { backend: unet.backend });
    const denoiser = createUnetDenoiser({ session, shape: latent.shape, positive, negative, cfg, sigmaToTimestep, signal: ctx.signal });
    const noise = createNoise(inputs.seed);
    const sigmas = Float64Array.from(schedule.sigmas);
    // The stochastic samplers draw one latent's worth of noise per step; skipping what the initial
    // noise and steps [0, start) drew keeps a split schedule on the same noise as an unsplit one.
    if (start > 0) noise.normal(latent.data.length * (start + 1));
    const x = start === 0 ? prepareInitial(latent.data, sigmas[0], noise) : latent.data;
    const result = await sample({
      sampler: schedule.sampler,
      denoiser,
      x,
      sigmas,
      noise,
      startStep: start,
      endStep: end,
      signal: ctx.signal,
      onStep: ({ i, denoised }) => {
        const done = i + 1 - start;
        ctx.progress(done, end - start);
        ctx.preview({ kind: 'latent', data: denoised, shape: latent.shape, step: i + 1 });
        ctx.preview(latentPreviewImage(denoised, latent.shape, i + 1));
      },
    });
    return { latent: { data: result, shape: latent.shape } };
  },
});
