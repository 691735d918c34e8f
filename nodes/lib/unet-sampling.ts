import type { ProgramHost, SessionProgram } from '../../runtime/backends/index.ts';
import { createNoise, createStepNoise, prepareInitial, sample, sigmaToTimestep } from '../../models/schedulers/index.ts';
import { inpaintSampling } from './inpaint-sampling.ts';
import { createUnetDenoiser } from './unet-denoiser.ts';
import type { UnetControl } from './control.ts';
import type { Conditioning, FreeUSettings, Latent } from './sd-types.ts';

/** What UNetStep samples: plain data, copied into the UNet's inference thread. */
export interface UnetSamplingInput {
  latent: Latent;
  positive: Conditioning;
  negative: Conditioning;
  sampler: string;
  /** The schedule's levels up to the end step, the last one already set to 0 for a full denoise. */
  sigmas: Float64Array;
  cfg: number;
  seed: number;
  start: number;
  end: number;
  /** Add the seed's noise at sigmas[start] first. */
  addNoise: boolean;
  /** Run the negative prompt even at cfg 1 (the sampler steps along the unconditional estimate). */
  unconditional: boolean;
  freeU?: FreeUSettings;
  /** DeepCache's interval (1: off); see UnetDenoiserOptions. */
  deepCacheInterval?: number;
}

/** Sent after every step: its index in the whole schedule and the clean-latent estimate made at it. */
export interface UnetSamplingStep {
  i: number;
  denoised: Float32Array;
}

/**
 * UNetStep's sampling loop, run next to the UNet's session (`ModelSession.runProgram`), so that the
 * steps' UNet calls do not cross threads: noise, inpainting, guidance, the sampler, and the result
 * with the kept region of a masked latent restored.
 */
export async function sampleWithUnet(input: UnetSamplingInput, { session, post, signal }: ProgramHost<UnetSamplingStep>, control?: UnetControl): Promise<Float32Array> {
  const { latent, sigmas, start, end, seed } = input;
  // The noise prepareInitial adds is the seed's first draw; the kept region of a masked latent follows it.
  const inpaint = inpaintSampling(session, latent, input.addNoise ? createNoise(seed).normal(latent.data.length) : undefined);
  const guidedDenoiser = createUnetDenoiser({
    session,
    shape: latent.shape,
    positive: input.positive,
    negative: input.negative,
    cfg: input.cfg,
    unconditional: input.unconditional,
    sigmaToTimestep,
    concat: inpaint.concat,
    freeU: input.freeU,
    deepCacheInterval: input.deepCacheInterval,
    control,
    signal,
  });
  const denoiser = inpaint.wrap(async (x, sigma) => (await guidedDenoiser(x, sigma)).denoised);
  const x = input.addNoise ? prepareInitial(latent.data, sigmas[start], createNoise(seed)) : latent.data;
  const result = await sample({
    sampler: input.sampler,
    denoiser,
    guidedDenoiser,
    x,
    sigmas,
    noise: createStepNoise(seed, latent.data.length),
    startStep: start,
    endStep: end,
    signal,
    onStep: ({ i, denoised }) => post({ i, denoised }),
  });
  return inpaint.finish(result, sigmas[end]);
}

/**
 * UNetStep's sampling loop as a session program. A run with ControlNets calls `sampleWithUnet` on the main thread
 * instead: their sessions live in other threads.
 */
const unetSampling: SessionProgram<UnetSamplingInput, Float32Array, UnetSamplingStep> = (input, host) => sampleWithUnet(input, host);

export default unetSampling;
