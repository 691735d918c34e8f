import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import scheduler from '../../nodes/scheduler.ts';
import unetStep from '../../nodes/unet-step.ts';
import { sampleWithUnet, type UnetSamplingInput } from '../../nodes/lib/unet-sampling.ts';
import { variantCacheDir } from '../../nodes/lib/patched-network.ts';
import { findSampler } from '../../models/schedulers/index.ts';
import { DEEP_CACHE_REFRESH, buildUnet, expectedTensors, TINY_SD15_CONFIG } from '../../models/sd15/index.ts';
import { writeOnnxModel } from '../../models/onnx/index.ts';
import { createSessionPool, type ModelSession, type SessionOptions, type SessionPool } from '../../runtime/backends/index.ts';
import type { Conditioning, UnetHandle } from '../../nodes/lib/sd-types.ts';
import { seededValues } from '../models/onnx/run-model.ts';
import { fakeContext } from './fake-context.ts';

const context = (value: number): Conditioning => ({ data: Float32Array.from({ length: 77 * 64 }, (_, i) => value * Math.cos(i)), shape: [1, 77, 64] });
const tiny: UnetHandle = { model: 'tiny', backend: 'cpu', path: path.resolve('data/models/tiny/unet/model.onnx'), nativeImageSize: 64 };
const relativeError = (a: Float32Array, b: Float32Array) => {
  let [diff, scale] = [0, 0];
  for (let i = 0; i < a.length; i++) [diff, scale] = [Math.max(diff, Math.abs(a[i] - b[i])), Math.max(scale, Math.abs(b[i]))];
  return diff / scale;
};

async function scheduleOf(sampler: string, steps: number) {
  return (await scheduler.execute({ sampler, schedule: 'default', steps, denoise: 1, denoise_rule: 'truncate' }, await fakeContext())).schedule;
}

describe('DeepCache through UNetStep (deep_cache_interval, real onnxruntime sessions of the tiny model)', () => {
  const sessions = createSessionPool();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lf-deep-cache-data-'));
  afterAll(async () => {
    await sessions.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function sample(interval: number, sampler = 'euler', steps = 9) {
    const schedule = await scheduleOf(sampler, steps);
    const latent = { data: new Float32Array(4 * 16 * 16), shape: [1, 4, 16, 16] };
    const inputs = {
      unet: tiny, positive: context(0.5), negative: context(0), latent, schedule, cfg: 3, seed: 4, start_step: 0, end_step: 0,
      add_noise: 'auto' as const, return_with_leftover_noise: true, deep_cache_interval: interval, token_merge_ratio: 0,
    };
    const opened: string[] = [];
    const recording: SessionPool = Object.create(sessions, {
      open: { value: (model: string, options?: SessionOptions) => (opened.push(model), sessions.open(model, options)) },
    });
    const ctx = await fakeContext({ env: { sessions: recording, dataDir } });
    return { latent: (await unetStep.execute(inputs, ctx)).latent.data, opened };
  }

  it('interval 1 runs the plain UNet file and makes no variant; interval 3 runs the DeepCache variant and stays close', async () => {
    const off = await sample(1);
    expect(off.opened).toEqual([tiny.path]);
    expect(existsSync(variantCacheDir(dataDir))).toBe(false);
    const on = await sample(3);
    const [variant] = readdirSync(variantCacheDir(dataDir));
    expect(on.opened).toEqual([path.join(variantCacheDir(dataDir), variant, 'unet/model.onnx')]);
    expect(JSON.parse(readFileSync(path.join(variantCacheDir(dataDir), variant, 'variant.json'), 'utf8'))).toMatchObject({ deepCache: true, controlResiduals: false });
    expect(Array.from(on.latent)).not.toEqual(Array.from(off.latent));
    expect(relativeError(on.latent, off.latent)).toBeLessThan(0.1);
    // Interval 1 again: the same bytes as the first run.
    expect(Array.from((await sample(1)).latent)).toEqual(Array.from(off.latent));
  }, 60_000);

  it('runs every call of a UNet latentflow did not convert in full, with a warning, when it has no DeepCache inputs', async () => {
    const shapes = expectedTensors(TINY_SD15_CONFIG);
    let seed = 1;
    const file = path.join(dataDir, 'built-unet.onnx');
    writeOnnxModel(buildUnet(TINY_SD15_CONFIG.unet, (key) => seededValues(shapes.get(key)!.reduce((a, b) => a * b, 1), seed++, 0.1)), file);
    const schedule = await scheduleOf('euler', 2);
    const inputs = (interval: number) => ({
      unet: { ...tiny, path: file }, positive: context(0.5), negative: context(0), latent: { data: new Float32Array(4 * 64), shape: [1, 4, 8, 8] },
      schedule, cfg: 3, seed: 4, start_step: 0, end_step: 0, add_noise: 'auto' as const, return_with_leftover_noise: true, deep_cache_interval: interval, token_merge_ratio: 0,
    });
    const cachedContext = await fakeContext({ env: { sessions, dataDir } });
    const cached = await unetStep.execute(inputs(3), cachedContext);
    const full = await unetStep.execute(inputs(1), await fakeContext({ env: { sessions, dataDir } }));
    expect(Array.from(cached.latent.data)).toEqual(Array.from(full.latent.data));
    expect(cachedContext.warnings.join('\n')).toContain('has no DeepCache inputs, so every call runs in full');
  }, 30_000);

  /** The sampling loop on the variant's real session, recording which calls were full. */
  async function recordedSampling(options: { interval: number; sampler: string; steps: number; positive?: Conditioning }) {
    await sample(3, 'euler', 1); // makes the variant
    const [variant] = readdirSync(variantCacheDir(dataDir));
    const session = await sessions.open(options.interval > 1 ? path.join(variantCacheDir(dataDir), variant, 'unet/model.onnx') : tiny.path);
    const calls: boolean[] = [];
    const recording: ModelSession = Object.create(session, {
      run: { value: (feeds: Parameters<ModelSession['run']>[0]) => {
        if (options.interval > 1) calls.push(feeds[DEEP_CACHE_REFRESH].data[0] === 1);
        return session.run(feeds);
      } },
    });
    const schedule = await scheduleOf(options.sampler, options.steps);
    const input: UnetSamplingInput = {
      latent: { data: new Float32Array(4 * 16 * 16), shape: [1, 4, 16, 16] }, positive: options.positive ?? context(0.5), negative: context(0),
      sampler: options.sampler, sigmas: Float64Array.from(schedule.sigmas), cfg: 3, seed: 4, start: 0, end: options.steps, addNoise: true,
      unconditional: findSampler(options.sampler)?.needsUnconditional ?? false, deepCacheInterval: options.interval,
    };
    const latent = await sampleWithUnet(input, { session: recording, post: () => {}, signal: new AbortController().signal });
    return { calls, latent };
  }

  it.each([['euler', 9, 9], ['heun', 5, 9]] as const)('%s, %i steps: %i UNet calls, every third one full at interval 3', async (sampler, steps, count) => {
    const { calls } = await recordedSampling({ interval: 3, sampler, steps });
    expect(calls).toEqual(Array.from({ length: count }, (_, i) => i % 3 === 0));
    const off = await recordedSampling({ interval: 2, sampler, steps });
    expect(off.calls.filter(Boolean)).toHaveLength(Math.ceil(count / 2));
  }, 60_000);

  it('combined and area prompts keep a feature per area: each area\'s calls are full every third step', async () => {
    const area = { ...context(-0.5), area: { x: 0, y: 0, width: 64, height: 64 } };
    const positive = { ...context(0.5), others: [area] };
    const { calls, latent } = await recordedSampling({ interval: 3, sampler: 'euler', steps: 6, positive });
    // Two call sites a step (the whole latent for the first prompt and the negative one, then the area).
    expect(calls).toEqual([true, true, false, false, false, false, true, true, false, false, false, false]);
    const every = await recordedSampling({ interval: 1, sampler: 'euler', steps: 6, positive });
    expect(relativeError(latent, every.latent)).toBeLessThan(0.1);
  }, 60_000);
});
