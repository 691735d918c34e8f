import { boolean, choice, defineNode, float, int, output, seed, socket } from '../runtime/index.ts';
import { latentShapeInvalid, noStepsToRun } from './lib/errors.ts';
import { findSampler } from '../models/schedulers/index.ts';
import { latentPreviewImage } from './lib/latent-preview.ts';
import { unetVariantPath } from './lib/patched-network.ts';
import { prepareControl } from './lib/control.ts';
import { paddedSide } from './lib/latent-padding.ts';
import { hasDeepCacheInputs } from './lib/deep-cache-feeds.ts';
import { sampleWithUnet, type UnetSamplingInput, type UnetSamplingStep } from './lib/unet-sampling.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Conditioning, Latent, Schedule, UnetHandle } from './lib/sd-types.ts';

const UNET_SAMPLING = new URL('./lib/unet-sampling.ts', import.meta.url);

export default defineNode({
  type: 'UNetStep',
  displayName: 'UNet Sampler',
  category: 'sampling',
  description:
    'Denoises a latent over the schedule\'s steps [start_step, end_step) with the scheduler\'s sampler. ' +
    'Each step runs the UNet once on the batch [positive, negative] and mixes them with the CFG scale ' +
    '(cfg 1 skips the negative prompt, except for samplers that need it). With add_noise `auto` it adds noise drawn from `seed` ' +
    'at the first noise level when starting at step 0: to an empty latent that is txt2img, to a VAE-encoded image ' +
    '(with denoise < 1) img2img; starting later it continues the partly denoised latent of another UNetStep that stopped ' +
    'at that step. `enable` adds the noise (scaled to the starting level) wherever it starts, `disable` never does ' +
    '(ComfyUI\'s KSamplerAdvanced add_noise). The samplers\' fresh noise is drawn per step from (seed, step), so a schedule ' +
    'split over several UNetSteps with the same seed gives the result of one run for every single-step sampler; multistep ' +
    'samplers restart their history at a split. return_with_leftover_noise off makes the last step run go to sigma 0 ' +
    '(ComfyUI\'s force_full_denoise). The same seed gives the same image on every machine and backend. ' +
    'After every step it reports progress and previews the current estimate of the clean latent (raw, and as a cheap ' +
    'RGB picture at latent resolution). Cancelling stops it between steps. ' +
    'A latent with a noise mask (SetLatentNoiseMask, VAEEncodeForInpaint) changes only where the mask is set: elsewhere it ' +
    'keeps the input latent, re-noised to each step\'s level. An inpainting UNet (9 input channels) also gets the mask and ' +
    'the masked image\'s latent. ControlNets on the conditionings (ControlNetApply, ControlNetApplyAdvanced) run at the steps ' +
    'their start/end window covers, their residuals times strength summed into the UNet\'s; a step where none acts runs the plain UNet. ' +
    'deep_cache_interval N > 1 turns on DeepCache (Ma et al., CVPR 2024): only every N-th UNet call computes the whole network, ' +
    'the others compute its first and last blocks around the deep features kept from that call (about 2x faster at 3; ' +
    'the image drifts a little from the one interval 1 gives). Samplers that call the UNet twice a step count both calls; ' +
    'combined and area prompts keep a feature per area; a call where a ControlNet acts runs in full and the next one starts ' +
    'the cache again; a UNet latentflow did not convert runs every call in full (with a warning). ' +
    'token_merge_ratio > 0 trades a little fidelity for speed (ToMe for SD): in the full-resolution transformer blocks ' +
    'that share of the tokens is merged into similar ones before self-attention, which then runs on fewer tokens ' +
    '(of a model latentflow converted; others run as they are).',
  inputs: {
    unet: socket<UnetHandle>(SD_TYPES.unet),
    positive: socket<Conditioning>(SD_TYPES.conditioning, { description: 'What the image should show.' }),
    negative: socket<Conditioning>(SD_TYPES.conditioning, { description: 'What it should not show (usually the empty prompt).' }),
    latent: socket<Latent>(SD_TYPES.latent),
    schedule: socket<Schedule>(SD_TYPES.schedule),
    cfg: float({ default: 7, min: 1, max: 30, step: 0.5, description: 'Classifier-free guidance scale.' }),
    seed: seed({ default: 0, description: 'Seed of the noise (and of the stochastic samplers\' per-step noise).' }),
    start_step: int({ default: 0, min: 0, max: 1000, description: 'First step to run.' }),
    end_step: int({ default: 0, min: 0, max: 1000, description: 'Step to stop before; 0 runs to the end.' }),
    add_noise: choice({
      choices: ['auto', 'enable', 'disable'],
      default: 'auto',
      description: 'auto: add the seed\'s noise only when starting at step 0; enable: also when starting later (scaled to that step\'s level); disable: never.',
    }),
    return_with_leftover_noise: boolean({
      default: true,
      description: 'Off: the last step run goes to sigma 0, giving a clean latent even when stopping early (ComfyUI force_full_denoise).',
    }),
    deep_cache_interval: int({
      default: 1,
      min: 1,
      max: 10,
      description: 'DeepCache: 1 runs the whole UNet on every call (off); N runs it on every N-th call and reuses its deep features on the calls between (3: about 2x faster, small drift).',
    }),
    token_merge_ratio: float({
      default: 0, min: 0, max: 0.75, step: 0.05,
      description: 'Token merging (ToMe): the share of the full-resolution tokens merged away before self-attention. ' +
        '0 = off (the exact UNet); 0.5 makes a 512x512 step about 1.15x faster on CPU with the int8 UNet (1.14x with fp32) (more where attention dominates, e.g. on GPUs) ' +
        'and changes the image a little; higher is faster and drifts more.',
    }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent, 'The denoised latent (still noisy when stopping before the end with leftover noise)'),
  },
  async execute(inputs, ctx) {
    const { unet, positive, negative, latent, schedule, cfg } = inputs;
    const steps = schedule.sigmas.length - 1;
    const start = inputs.start_step;
    const end = inputs.end_step === 0 ? steps : Math.min(inputs.end_step, steps);
    if (start >= end) throw noStepsToRun(start, end, steps);
    if (latent.shape.length !== 4 || latent.shape[1] !== 4) throw latentShapeInvalid(latent.shape);

    const deepCacheInterval = inputs.deep_cache_interval;
    const tokenMerge = inputs.token_merge_ratio > 0 ? { ratio: inputs.token_merge_ratio } : undefined;
    // Variants of one UNet (LoRAs, strengths, FreeU) replace one another in memory, the old ones closed before a new patch is made.
    const group = `unet:${unet.path}`;
    const variant = { controlResiduals: false, freeU: unet.freeU !== undefined, deepCache: deepCacheInterval > 1, tokenMerge };
    const model = await unetVariantPath(unet, ctx.env.dataDir, variant, () => ctx.env.sessions.vacate(group));
    const session = await ctx.env.sessions.open(model, { backend: unet.backend, group, programs: [UNET_SAMPLING] });
    if (deepCacheInterval > 1 && !hasDeepCacheInputs(session)) {
      ctx.log.warn(`deep_cache_interval ${deepCacheInterval}: UNet ${model} was not converted by latentflow and has no DeepCache inputs, so every call runs in full`);
    }
    const sigmas = Float64Array.from(schedule.sigmas.slice(0, end + 1));
    if (!inputs.return_with_leftover_noise) sigmas[end] = 0;
    const input: UnetSamplingInput = {
      latent,
      positive,
      negative,
      sampler: schedule.sampler,
      sigmas,
      cfg,
      seed: inputs.seed,
      start,
      end,
      addNoise: inputs.add_noise === 'enable' || (inputs.add_noise === 'auto' && start === 0),
      unconditional: findSampler(schedule.sampler)?.needsUnconditional ?? false,
      freeU: unet.freeU,
      deepCacheInterval,
    };
    const onMessage = ({ i, denoised }: UnetSamplingStep) => {
      ctx.progress(i + 1 - start, end - start);
      ctx.preview({ kind: 'latent', data: denoised, shape: latent.shape, step: i + 1 });
      ctx.preview(latentPreviewImage(denoised, latent.shape, i + 1));
    };
    const padded: [number, number] = [paddedSide(latent.shape[2]), paddedSide(latent.shape[3])];
    const control = await prepareControl(ctx, { unet, positive, negative, shape: latent.shape, padded, tokenMerge });
    if (!control) {
      // The loop runs next to the UNet's session: its steps' calls then skip the hand-over between threads.
      const data = await session.runProgram<UnetSamplingInput, Float32Array, UnetSamplingStep>(UNET_SAMPLING, input, { signal: ctx.signal, onMessage });
      return { latent: { ...latent, data } };
    }
    // ControlNet sessions live in threads of their own, so with them the loop runs here. They are released when sampling ends.
    try {
      const data = await sampleWithUnet(input, { session, post: onMessage, signal: ctx.signal }, control);
      return { latent: { ...latent, data } };
    } finally {
      await control.release();
    }
  },
});
