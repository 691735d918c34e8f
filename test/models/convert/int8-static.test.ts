import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint, DEFAULT_CALIBRATION, upToDateConversion, type CalibrationPlan } from '../../../models/convert/index.ts';
import { createNoise } from '../../../models/noise.ts';
import { unetVariant } from '../../../models/adapters/unet-variants.ts';
import { writePatchedNetwork } from '../../../models/adapters/patch-network.ts';
import { FREEU_OFF } from '../../../models/sd15/index.ts';
import { writeTinyCheckpoint } from '../../fixtures/tiny-checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-int8-static-'));
const ckpt = join(dir, 'tiny.ckpt');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny model's 64x64 images, three euler steps per prompt. */
const PLAN: CalibrationPlan = { ...DEFAULT_CALIBRATION, latentSide: 8, steps: 3 };

/** A prompt and a start of sampling unlike the calibration's: the UNet's input at a high and a low noise level. */
async function predictNoise(modelDir: string): Promise<Float32Array> {
  const encoder = await ort.InferenceSession.create(join(modelDir, 'text_encoder/model.onnx'));
  const ids = new Int32Array(77).fill(49407);
  ids.set([49406, 320, 736, 2866]);
  const { last_hidden_state: context } = await encoder.run({ input_ids: new ort.Tensor('int32', ids, [1, 77]) });
  await encoder.release();
  const unet = await ort.InferenceSession.create(join(modelDir, 'unet/model.onnx'));
  const { out_sample: eps } = await unet.run({
    sample: new ort.Tensor('float32', createNoise(5).normal(2 * 4 * 8 * 8), [2, 4, 8, 8]),
    timestep: new ort.Tensor('float32', new Float32Array([900, 20]), [2]),
    encoder_hidden_states: new ort.Tensor('float32', new Float32Array([...(context.data as Float32Array), ...(context.data as Float32Array)]), [2, 77, 64]),
  });
  await unet.release();
  return eps.data as Float32Array;
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
    expect((await convertCheckpoint(ckpt, folder, { unetWeights: 'int8-static', calibration: PLAN })).status).toBe('converted');
    const index = JSON.parse(readFileSync(join(folder, 'model_index.json'), 'utf8'));
    expect(index).toMatchObject({ unetWeights: 'int8-static', source: { unetWeights: 'int8-static', calibration: PLAN } });
    expect(upToDateConversion(ckpt, folder, { unetWeights: 'int8-static' })).toBeUndefined();
    const error = maxRelativeError(await predictNoise(folder), reference);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(0.1);
  });

  it('has FreeU and ControlNet variants made from its stored initializers, and refuses LoRA patching', async () => {
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
    const patch = writePatchedNetwork({ ...request, network: 'unet', config: index.config }, new Set(), async (_, w) => w, join(dir, 'patched'));
    await expect(patch).rejects.toMatchObject({ code: 'model_not_patchable' });
  });

  it('calibrates deterministically: converting again gives the same UNet', async () => {
    const again = join(dir, 'int8-static-again');
    await convertCheckpoint(ckpt, again, { unetWeights: 'int8-static', calibration: PLAN });
    expect(readFileSync(join(again, 'unet/model.onnx.data')).equals(readFileSync(join(dir, 'int8-static', 'unet/model.onnx.data')))).toBe(true);
  });
});
