import { join } from 'node:path';
import { unetVariant } from '../../models/adapters/index.ts';
import { existingConversion } from '../../models/convert/index.ts';
import { buildSchedule, sigmaToTimestep } from '../../models/schedulers/index.ts';
import { createNoise } from '../../models/noise.ts';
import { LATENT_SCALE, type TokenMergeOptions } from '../../models/sd15/index.ts';
import type { Tensor } from '../../runtime/backends/index.ts';
import { maxRelativeError, psnr } from '../compare.ts';
import { unetStepFeeds } from '../full-size.ts';
import { openTimed, type TimedSession } from '../timed-session.ts';

export interface TomeVariant { name: string; tokenMerge?: TokenMergeOptions }

export interface TomeArgs {
  /** A converted model folder (its UNet, fp32 or int8, and its VAE decoder). */
  modelDir: string;
  /** Where the variants' graphs are written (they reference the folder's weights). */
  cacheDir: string;
  /** The first is the one the others are compared with (token merging off). */
  variants: TomeVariant[];
  /** Timed rounds: each variant once per round, in order, and the first once more at the end (A, B, A). */
  rounds: number;
  /** Euler steps of the drift run (0: none), batch 2 with CFG on a 64x64 latent. */
  driftSteps: number;
  /** The variants whose drift is measured (default all). */
  driftVariants?: string[];
}

export interface TomeStepTimes { wallMs: number[]; cpuMs: number[] }
export interface TomeDrift { maxRelativeError: number; psnr: number }
export interface TomeResult { steps: Record<string, TomeStepTimes>; drift: Record<string, TomeDrift>; driftSteps: number }

const CFG = 7;
const log = (message: string) => process.stderr.write(`[tome] ${message}\n`);

async function cpuTimed(session: TimedSession, feeds: Record<string, Tensor>) {
  const before = process.cpuUsage();
  const { outputs, ms } = await session.run(feeds);
  const used = process.cpuUsage(before);
  return { outputs, wallMs: ms, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * ToMe variants of a full-size UNet side by side in one process: the UNet step at batch 2, 64x64 (wall and CPU
 * time, rounds interleaved), then the drift of a short Euler txt2img run against the first variant: the final
 * latent's max relative error and the decoded 512x512 image's PSNR. The drift run's steps (the variants in turn
 * at each) are timed too.
 */
export async function tome(args: TomeArgs): Promise<TomeResult> {
  const index = existingConversion(args.modelDir);
  if (!index) throw new Error(`${args.modelDir} is not a converted model folder`);
  const paths = args.variants.map((variant) => unetVariant({
    model: join(args.modelDir, 'unet', 'model.onnx'), config: index.config.unet, weights: index.weights, unetWeights: index.unetWeights,
    variant: { controlResiduals: false, freeU: false, tokenMerge: variant.tokenMerge }, cacheDir: args.cacheDir,
  }));
  const steps: Record<string, TomeStepTimes> = Object.fromEntries(args.variants.map((v) => [v.name, { wallMs: [], cpuMs: [] }]));
  const latents: Record<string, Float32Array> = {};
  const drifted = new Set(args.driftVariants ?? args.variants.map((v) => v.name));
  const sessions: TimedSession[] = [];
  try {
    for (const path of paths) sessions.push(await openTimed(path));
    const feeds = unetStepFeeds();
    for (const session of sessions) await session.run(feeds);
    const timedRun = async (i: number, stepFeeds: Record<string, Tensor>) => {
      const { outputs, wallMs, cpuMs } = await cpuTimed(sessions[i], stepFeeds);
      steps[args.variants[i].name].wallMs.push(wallMs);
      steps[args.variants[i].name].cpuMs.push(cpuMs);
      log(`${args.variants[i].name}: ${(wallMs / 1000).toFixed(1)} s (CPU ${(cpuMs / 1000).toFixed(1)} s)`);
      return outputs.out_sample.data as Float32Array;
    };
    const order = [...Array.from({ length: args.rounds }, () => args.variants.map((_, i) => i)).flat(), 0];
    for (const i of order) await timedRun(i, feeds);
    if (args.driftSteps > 0) {
      const sampled = args.variants.map((v, i) => i).filter((i) => i === 0 || drifted.has(args.variants[i].name));
      const results = await eulerTxt2img(sampled.map((i) => (stepFeeds: Record<string, Tensor>) => timedRun(i, stepFeeds)), args.driftSteps);
      sampled.forEach((i, k) => (latents[args.variants[i].name] = results[k]));
    }
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
  const drift: Record<string, TomeDrift> = {};
  if (args.driftSteps > 0) {
    const decoder = await openTimed(join(args.modelDir, 'vae_decoder', 'model.onnx'));
    try {
      const decode = async (latent: Float32Array) => {
        const scaled = latent.map((v) => v / LATENT_SCALE);
        return (await decoder.run({ latent_sample: { type: 'float32', data: scaled, dims: [1, 4, 64, 64] } })).outputs.sample.data as Float32Array;
      };
      const [reference, ...others] = args.variants.map((v) => v.name).filter((name) => latents[name]);
      const referenceImage = await decode(latents[reference]);
      for (const name of others) {
        drift[name] = { maxRelativeError: maxRelativeError(latents[name], latents[reference]), psnr: psnr(await decode(latents[name]), referenceImage) };
        log(`${name} drift: ${JSON.stringify(drift[name])}`);
      }
    } finally {
      await decoder.close();
    }
  }
  return { steps, drift, driftSteps: args.driftSteps };
}

type UnetCall = (feeds: Record<string, Tensor>) => Promise<Float32Array>;

/**
 * Euler over the default schedule from seeded noise, [positive, negative] random conditionings, CFG 7, with each
 * UNet in turn at every step (so their step times interleave too); the final latents [1, 4, 64, 64].
 */
async function eulerTxt2img(unets: UnetCall[], stepCount: number): Promise<Float32Array[]> {
  const { sigmas } = buildSchedule({ sampler: 'euler', schedule: 'default', steps: stepCount });
  const size = 4 * 64 * 64;
  const start = createNoise(21).normal(size).map((v) => v * sigmas[0]);
  const latents = unets.map(() => start.slice());
  const context = unetStepFeeds().encoder_hidden_states;
  for (let i = 0; i < stepCount; i++) {
    const sigma = sigmas[i];
    const t = sigmaToTimestep(sigma);
    for (const [k, unet] of unets.entries()) {
      const x = latents[k];
      const scaled = x.map((v) => v / Math.sqrt(sigma * sigma + 1));
      const sample = new Float32Array(2 * size);
      sample.set(scaled, 0);
      sample.set(scaled, size);
      const eps = await unet({
        sample: { type: 'float32', data: sample, dims: [2, 4, 64, 64] },
        timestep: { type: 'float32', data: Float32Array.of(t, t), dims: [2] },
        encoder_hidden_states: context,
      });
      for (let j = 0; j < size; j++) x[j] += (sigmas[i + 1] - sigma) * (eps[size + j] + CFG * (eps[j] - eps[size + j]));
    }
    log(`drift step ${i + 1}/${stepCount}`);
  }
  return latents;
}
