import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint, DEFAULT_CALIBRATION, upToDateConversion, type CalibrationPlan, type ConvertProgress } from '../../../models/convert/index.ts';
import { createNoise } from '../../../models/noise.ts';
import { unetVariant } from '../../../models/adapters/unet-variants.ts';
import { fileSha256 } from '../../../models/adapters/files.ts';
import { patchNetwork } from '../../../models/adapters/patched-networks.ts';
import { readOnnxInitializers } from '../../../models/model-folder/onnx-initializers.ts';
import { FREEU_OFF, StoredWeights } from '../../../models/sd15/index.ts';
import { writeTinyCheckpoint } from '../../fixtures/tiny-checkpoint.ts';
import { spec, writeLora } from '../adapters/lora-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-int8-static-'));
const ckpt = join(dir, 'tiny.ckpt');
const U = 'model.diffusion_model.';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny model's 64x64 images, three euler steps per prompt. */
const PLAN: CalibrationPlan = { ...DEFAULT_CALIBRATION, latentSide: 8, steps: 3 };

/** A prompt and a start of sampling unlike the calibration's: the UNet's input at a high and a low noise level. */
async function predictNoise(modelDir: string, unetModel = join(modelDir, 'unet/model.onnx')): Promise<Float32Array> {
  const encoder = await ort.InferenceSession.create(join(modelDir, 'text_encoder/model.onnx'));
  const ids = new Int32Array(77).fill(49407);
  ids.set([49406, 320, 736, 2866]);
  const { last_hidden_state: context } = await encoder.run({ input_ids: new ort.Tensor('int32', ids, [1, 77]) });
  await encoder.release();
  const unet = await ort.InferenceSession.create(unetModel);
  const { out_sample: eps } = await unet.run({
    sample: new ort.Tensor('float32', createNoise(5).normal(2 * 4 * 8 * 8), [2, 4, 8, 8]),
    timestep: new ort.Tensor('float32', new Float32Array([900, 20]), [2]),
    encoder_hidden_states: new ort.Tensor('float32', new Float32Array([...(context.data as Float32Array), ...(context.data as Float32Array)]), [2, 77, 64]),
  });
  await unet.release();
  return eps.data as Float32Array;
}

/** LoCon on two ResBlock convs; LoRA on attention layers that own (to_k) and share (to_v) a quantised input, and on GEGLU's two halves. */
function writeTestLora(): string {
  const layers: [string, number[]][] = [
    ['down_blocks_0_resnets_0_conv1', [32, 32, 3, 3]], ['up_blocks_1_resnets_0_conv2', [32, 32, 3, 3]],
    ['down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_v', [32, 32]], ['down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k', [32, 64]],
    ['down_blocks_0_attentions_0_transformer_blocks_0_ff_net_0_proj', [256, 32]],
  ];
  return writeLora(join(dir, 'lora.safetensors'), layers.flatMap(([layer, [out, inputs, ...kernel]], i) => [
    spec(`lora_unet_${layer}.lora_down.weight`, [4, inputs, ...kernel], 2 * i + 1, 0.3),
    spec(`lora_unet_${layer}.lora_up.weight`, [out, 4, ...kernel.map(() => 1)], 2 * i + 2, 0.3),
  ]));
}

/** The UNet of a converted folder under `dir` with the test LoRA at strength 1. */
function patched(folder: string): Promise<string> {
  const lora = writeTestLora();
  return patchNetwork({
    model: join(dir, folder, 'unet/model.onnx'), network: 'unet', loras: [{ file: lora, sha256: fileSha256(lora), strength: 1 }], cacheDir: join(dir, 'patched'),
  });
}

const maxRelativeError = (out: Float32Array, reference: Float32Array) =>
  out.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0) / reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('convertCheckpoint with int8-static UNet weights', () => {
  let reference: Float32Array;
  beforeAll(async () => {
    writeTinyCheckpoint(ckpt);
    await convertCheckpoint(ckpt, join(dir, 'float'), { unetWeights: 'float' });
    reference = await predictNoise(join(dir, 'float'));
  });

  it('calibrates on sampling runs and writes a folder whose UNet loads and stays within 10% of float32', async () => {
    const folder = join(dir, 'int8-static');
    const progress: ConvertProgress[] = [];
    expect((await convertCheckpoint(ckpt, folder, { unetWeights: 'int8-static', calibration: PLAN, onProgress: (p) => progress.push(p) })).status).toBe('converted');
    // Every calibration call is reported, before anything is written.
    const calls = PLAN.prompts.length * PLAN.steps;
    const calibrating = progress.filter((p) => p.phase === 'calibrating');
    expect(calibrating.map((p) => p.callsDone)).toEqual(Array.from({ length: calls + 1 }, (_, i) => i));
    expect(calibrating.every((p) => p.callsTotal === calls)).toBe(true);
    expect(progress.findIndex((p) => p.phase === 'writing')).toBe(calls + 1);
    const index = JSON.parse(readFileSync(join(folder, 'model_index.json'), 'utf8'));
    expect(index).toMatchObject({ unetWeights: 'int8-static', source: { unetWeights: 'int8-static', calibration: PLAN } });
    expect(upToDateConversion(ckpt, folder, { unetWeights: 'int8-static' })).toBeUndefined();
    const error = maxRelativeError(await predictNoise(folder), reference);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(0.1);
  });

  it('stores weights that read back as the checkpoint within half an int8 step: conv filters and biases, linear slices', () => {
    const [float, quantised] = ['float', 'int8-static'].map((folder) => new StoredWeights(readOnnxInitializers(join(dir, folder, 'unet/model.onnx')).values()));
    const tensors: [string, number[]][] = [
      [`${U}input_blocks.1.0.in_layers.2.weight`, [32, 32, 3, 3]], [`${U}input_blocks.1.0.in_layers.2.bias`, [32]],
      [`${U}input_blocks.1.1.transformer_blocks.0.ff.net.0.proj.weight`, [256, 32]], [`${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`, [32, 64]],
    ];
    for (const [key, shape] of tensors) {
      const checkpoint = float.read(key, shape);
      const halfStep = checkpoint.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 63 / 2;
      quantised.read(key, shape).forEach((v, i) => expect(Math.abs(v - checkpoint[i]), key).toBeLessThanOrEqual(halfStep * 1.0001));
    }
  });

  it('has FreeU, ControlNet, DeepCache and ToMe variants made from its stored initializers', async () => {
    const folder = join(dir, 'int8-static');
    const index = JSON.parse(readFileSync(join(folder, 'model_index.json'), 'utf8'));
    const request = { model: join(folder, 'unet/model.onnx'), config: index.config.unet, weights: index.weights, unetWeights: index.unetWeights, cacheDir: join(dir, 'variants') };
    const freeU = unetVariant({ ...request, variant: { controlResiduals: false, freeU: true } });
    const session = await ort.InferenceSession.create(freeU);
    const feeds = {
      sample: new ort.Tensor('float32', createNoise(5).normal(2 * 4 * 8 * 8), [2, 4, 8, 8]),
      timestep: new ort.Tensor('float32', new Float32Array([900, 500]), [2]),
      encoder_hidden_states: new ort.Tensor('float32', createNoise(6).normal(2 * 77 * 64), [2, 77, 64]),
    };
    const off = Object.fromEntries(Object.entries(FREEU_OFF).map(([k, v]) => [`freeu_${k}`, new ort.Tensor('float32', Float32Array.of(v), [1])]));
    const withFreeU = (await session.run({ ...feeds, ...off })).out_sample.data as Float32Array;
    await session.release();
    const base = await ort.InferenceSession.create(request.model);
    const plain = (await base.run(feeds)).out_sample.data as Float32Array;
    await base.release();
    expect(maxRelativeError(withFreeU, plain)).toBeLessThan(1e-6);
    expect(() => unetVariant({ ...request, variant: { controlResiduals: true, freeU: false } })).not.toThrow();
    // The shipped workflows' DeepCache, and ToMe: both load, and ToMe runs to finite values near the plain UNet's.
    const deepCache = await ort.InferenceSession.create(unetVariant({ ...request, variant: { controlResiduals: false, freeU: false, deepCache: true } }));
    expect(deepCache.inputNames.length).toBeGreaterThan(3);
    await deepCache.release();
    const tome = await ort.InferenceSession.create(unetVariant({ ...request, variant: { controlResiduals: false, freeU: false, tokenMerge: { ratio: 0.5 } } }));
    const merged = (await tome.run(feeds)).out_sample.data as Float32Array;
    await tome.release();
    expect(merged.every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(merged, plain)).toBeLessThan(0.5);
  });

  it('takes a LoRA on its int8 layers: within 10% of the float UNet with the same LoRA, its conv biases re-quantised', async () => {
    const float = await predictNoise(join(dir, 'float'), await patched('float'));
    const staticUnet = await patched('int8-static');
    const error = maxRelativeError(await predictNoise(join(dir, 'int8-static'), staticUnet), float);
    // The LoRA moves the output by about 50%; int8-static with it is about 8% off (without it 4%; dynamic int8 with it 6%).
    expect(maxRelativeError(float, reference)).toBeGreaterThan(0.3);
    expect(error).toBeLessThan(0.1);
    const bias = `${U}input_blocks.1.0.in_layers.2.bias`;
    const [checkpoint, base, after] = [join(dir, 'float/unet/model.onnx'), join(dir, 'int8-static/unet/model.onnx'), staticUnet]
      .map((model) => new StoredWeights(readOnnxInitializers(model).values()).read(bias, [32]));
    expect(after).not.toEqual(base);
    after.forEach((b, c) => expect(Math.abs(b - checkpoint[c])).toBeLessThan(1e-4));
  });

  it('converts with float16 storage too (--fp16): the UNet stays within 10% of float32 and takes the LoRA', async () => {
    const folder = join(dir, 'int8-static-fp16');
    await convertCheckpoint(ckpt, folder, { fp16: true, unetWeights: 'int8-static', calibration: PLAN });
    expect(maxRelativeError(await predictNoise(folder), reference)).toBeLessThan(0.1);
    const float = await predictNoise(join(dir, 'float'), await patched('float'));
    expect(maxRelativeError(await predictNoise(folder, await patched('int8-static-fp16')), float)).toBeLessThan(0.1);
  });

  it('calibrates deterministically: converting again gives the same UNet', async () => {
    const again = join(dir, 'int8-static-again');
    await convertCheckpoint(ckpt, again, { unetWeights: 'int8-static', calibration: PLAN });
    expect(readFileSync(join(again, 'unet/model.onnx.data')).equals(readFileSync(join(dir, 'int8-static', 'unet/model.onnx.data')))).toBe(true);
  });
});
