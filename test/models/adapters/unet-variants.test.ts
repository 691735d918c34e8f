import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { unetVariant, type UnetVariant } from '../../../models/adapters/index.ts';
import { convertCheckpoint, existingConversion } from '../../../models/convert/index.ts';
import { controlResidualInputs, FREEU_INPUTS } from '../../../models/sd15/index.ts';
import { writeTinyCheckpoint } from '../../fixtures/tiny-checkpoint.ts';
import { maxAbsDiff, seededValues } from '../onnx/run-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'lf-variants-'));
const cacheDir = join(dir, 'cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The variant of a converted folder's UNet. */
function variantOf(folder: string, variant: UnetVariant): string {
  const index = existingConversion(folder);
  if (!index) throw new Error(`${folder} is not converted`);
  return unetVariant({ model: join(folder, 'unet/model.onnx'), config: index.config.unet, weights: index.weights, unetWeights: index.unetWeights, variant, cacheDir });
}

async function run(model: string, extra: (session: ort.InferenceSession) => Record<string, ort.Tensor> = () => ({})): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    const feeds = {
      sample: new ort.Tensor('float32', seededValues(2 * 4 * 8 * 8, 1), [2, 4, 8, 8]),
      timestep: new ort.Tensor('float32', Float32Array.of(900, 300), [2]),
      encoder_hidden_states: new ort.Tensor('float32', seededValues(2 * 77 * 64, 2), [2, 77, 64]),
      ...extra(session),
    };
    return (await session.run(feeds)).out_sample.data as Float32Array;
  } finally {
    await session.release();
  }
}

const freeUFeeds = (b: number, s: number) => Object.fromEntries(FREEU_INPUTS.map((name) => [name, new ort.Tensor('float32', Float32Array.of(name === 'freeu_v2' ? 0 : name.startsWith('freeu_b') ? b : s), [1])]));

function controlFeeds(folder: string, value: (i: number) => number): Record<string, ort.Tensor> {
  const config = existingConversion(folder)!.config.unet;
  return Object.fromEntries(controlResidualInputs(config).map(({ name, channels, downsampled }, i) => {
    const side = 8 / 2 ** downsampled;
    return [name, new ort.Tensor('float32', new Float32Array(2 * channels * side * side).fill(value(i)), [2, channels, side, side])];
  }));
}

describe('UNet variants of converted models', () => {
  it('share the base UNet\'s weight file instead of copying it', () => {
    const folder = resolve('data/models/shapes-tiny');
    const model = variantOf(folder, { controlResiduals: true, freeU: true });
    const data = join(model, '..', 'model.onnx.data');
    expect(statSync(data).ino).toBe(statSync(join(folder, 'unet/model.onnx.data')).ino);
    expect(statSync(model).size).toBeLessThan(statSync(join(folder, 'unet/model.onnx')).size * 2);
    expect(readdirSync(join(model, '..')).sort()).toEqual(['model.onnx', 'model.onnx.data']);
  });

  const int8 = join(dir, 'int8');
  const folders = {
    'shapes-tiny (committed, float16 weights)': resolve('data/models/shapes-tiny'),
    'tiny (float32 weights)': resolve('data/models/tiny'),
    'a tiny checkpoint converted with int8 UNet weights': int8,
  };

  it.each(Object.entries(folders))('%s: the control variant with zero residuals and the FreeU variant at b = s = 1 give the plain UNet\'s output exactly', async (_, folder) => {
    if (folder === int8) {
      writeTinyCheckpoint(join(dir, 'tiny.safetensors'));
      await convertCheckpoint(join(dir, 'tiny.safetensors'), int8, { unetWeights: 'int8' });
    }
    const plain = await run(join(folder, 'unet/model.onnx'));
    const control = variantOf(folder, { controlResiduals: true, freeU: false });
    const freeU = variantOf(folder, { controlResiduals: false, freeU: true });
    const both = variantOf(folder, { controlResiduals: true, freeU: true });
    expect(control.startsWith(cacheDir)).toBe(true);
    expect(variantOf(folder, { controlResiduals: true, freeU: false })).toBe(control);
    expect(Array.from(await run(freeU, () => freeUFeeds(1, 1)))).toEqual(Array.from(plain));
    const zeros = controlFeeds(folder, () => 0);
    expect(Array.from(await run(control, () => zeros))).toEqual(Array.from(plain));
    expect(Array.from(await run(both, () => ({ ...zeros, ...freeUFeeds(1, 1) })))).toEqual(Array.from(plain));
    expect(maxAbsDiff(await run(freeU, () => freeUFeeds(1.5, 0.5)), plain)).toBeGreaterThan(1e-3);
    const residuals = controlFeeds(folder, (i) => 0.1 * (i + 1));
    expect(maxAbsDiff(await run(control, () => residuals), plain)).toBeGreaterThan(1e-3);
  }, 60_000);
});
