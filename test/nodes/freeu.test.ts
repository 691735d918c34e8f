import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import freeU from '../../nodes/freeu.ts';
import freeUV2 from '../../nodes/freeu-v2.ts';
import scheduler from '../../nodes/scheduler.ts';
import unetStep from '../../nodes/unet-step.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { writeOnnxModel } from '../../models/onnx/index.ts';
import { buildUnet, expectedTensors, TINY_SD15_CONFIG } from '../../models/sd15/index.ts';
import type { Conditioning, UnetHandle } from '../../nodes/lib/sd-types.ts';
import { seededValues } from '../models/onnx/run-model.ts';
import { fakeContext } from './fake-context.ts';

describe('FreeU and FreeU_V2 through UNetStep (tiny UNets built here, in onnxruntime)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lf-freeu-'));
  const sessions = createSessionPool();
  afterAll(async () => {
    await sessions.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shapes = expectedTensors(TINY_SD15_CONFIG);
  function unetFile(name: string, withFreeU: boolean): UnetHandle {
    let seed = 1;
    const weights = (key: string) => {
      const shape = shapes.get(key) as number[];
      const count = shape.reduce((a, b) => a * b, 1);
      const values = seededValues(count, seed++, shape.length >= 2 ? Math.sqrt(3 / (count / shape[0])) : 0.1);
      return shape.length < 2 && key.endsWith('.weight') ? values.map((v) => 1 + v) : values;
    };
    const file = path.join(dir, `${name}.onnx`);
    writeOnnxModel(buildUnet(TINY_SD15_CONFIG.unet, weights, { freeU: withFreeU }), file);
    return { model: name, backend: 'cpu', path: file, nativeImageSize: 64 };
  }
  const plain = unetFile('plain', false);
  const patched = unetFile('freeu', true);
  const context = (value: number): Conditioning => ({ data: new Float32Array(77 * 64).fill(value), shape: [1, 77, 64] });

  async function sample(unet: UnetHandle) {
    const { schedule } = await scheduler.execute({ sampler: 'euler', schedule: 'default', steps: 3, denoise: 1, denoise_rule: 'truncate' }, await fakeContext());
    const latent = { data: new Float32Array(4 * 64), shape: [1, 4, 8, 8] };
    const inputs = { unet, positive: context(0.5), negative: context(0), latent, schedule, cfg: 3, seed: 4, start_step: 0, end_step: 0, add_noise: 'auto' as const, return_with_leftover_noise: true, deep_cache_interval: 1, token_merge_ratio: 0 };
    return (await unetStep.execute(inputs, await fakeContext({ env: { sessions } }))).latent.data;
  }

  it('a UNet with FreeU inputs samples exactly like the plain one until a FreeU node sets factors', async () => {
    const base = await sample(plain);
    expect(Array.from(await sample(patched))).toEqual(Array.from(base));
    const ctx = await fakeContext();
    const neutral = (await freeU.execute({ unet: patched, b1: 1, b2: 1, s1: 1, s2: 1 }, ctx)).unet;
    expect(Array.from(await sample(neutral))).toEqual(Array.from(base));
    const v1 = (await freeU.execute({ unet: patched, b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 }, ctx)).unet;
    const v2 = (await freeUV2.execute({ unet: patched, b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 }, ctx)).unet;
    expect(v1.freeU).toEqual({ b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2, version: 1 });
    const [a, b] = [await sample(v1), await sample(v2)];
    expect(Array.from(a)).not.toEqual(Array.from(base));
    expect(Array.from(b)).not.toEqual(Array.from(a));
  }, 60_000);

  it('tells the user when the UNet has no FreeU inputs', async () => {
    const asked = (await freeU.execute({ unet: plain, b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 }, await fakeContext())).unet;
    await expect(sample(asked)).rejects.toMatchObject({ code: 'unet_freeu_unsupported', input: 'unet', message: expect.stringContaining('not converted by latentflow') });
  }, 30_000);
});

describe('FreeU and FreeU_V2 on converted models (a UNet variant with the factors as inputs)', () => {
  const sessions = createSessionPool();
  afterAll(() => sessions.close());
  const context = (value: number): Conditioning => ({ data: new Float32Array(77 * 64).fill(value), shape: [1, 77, 64] });

  it.each(['tiny', 'shapes-tiny'])('%s: FreeU and FreeU_V2 change the sample, b = s = 1 gives the plain UNet\'s exactly', async (name) => {
    const unet: UnetHandle = { model: name, backend: 'cpu', path: path.resolve(`data/models/${name}/unet/model.onnx`), nativeImageSize: 64 };
    const env = { sessions, dataDir: mkdtempSync(path.join(tmpdir(), 'lf-freeu-data-')) };
    async function sample(handle: UnetHandle) {
      const { schedule } = await scheduler.execute({ sampler: 'euler', schedule: 'default', steps: 3, denoise: 1, denoise_rule: 'truncate' }, await fakeContext());
      const latent = { data: new Float32Array(4 * 64), shape: [1, 4, 8, 8] };
      const inputs = { unet: handle, positive: context(0.5), negative: context(0), latent, schedule, cfg: 3, seed: 4, start_step: 0, end_step: 0, add_noise: 'auto' as const, return_with_leftover_noise: true, deep_cache_interval: 1, token_merge_ratio: 0 };
      return Array.from((await unetStep.execute(inputs, await fakeContext({ env }))).latent.data);
    }
    const ctx = await fakeContext();
    const base = await sample(unet);
    expect(await sample((await freeU.execute({ unet, b1: 1, b2: 1, s1: 1, s2: 1 }, ctx)).unet)).toEqual(base);
    expect(await sample((await freeUV2.execute({ unet, b1: 1, b2: 1, s1: 1, s2: 1 }, ctx)).unet)).toEqual(base);
    const v1 = await sample((await freeU.execute({ unet, b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 }, ctx)).unet);
    const v2 = await sample((await freeUV2.execute({ unet, b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 }, ctx)).unet);
    expect(v1).not.toEqual(base);
    expect(v2).not.toEqual(base);
    expect(v2).not.toEqual(v1);
    rmSync(env.dataDir, { recursive: true, force: true });
  }, 60_000);
});
