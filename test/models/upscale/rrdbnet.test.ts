import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../models/checkpoint/index.ts';
import { convertUpscaleModel, rrdbnetTensors, seededRrdbnetTensors, type RrdbnetConfig } from '../../../models/upscale/index.ts';
import { seededImage, TINY_RRDBNET_X2, TINY_RRDBNET_X4, writeTinyUpscaleModel } from '../../fixtures/tiny-upscale-model.ts';
import { writeTorchDicts } from '../../fixtures/torch-dicts.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/upscale');
const tempDir = () => mkdtemp(path.join(tmpdir(), 'lf-rrdbnet-'));

async function upscale(modelPath: string, input: Float32Array, side: number) {
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
  const result = await session.run({ image: new ort.Tensor('float32', input, [1, 3, side, side]) });
  return { dims: result.upscaled.dims, data: result.upscaled.data as Float32Array };
}

const relativeError = (actual: Float32Array, expected: ArrayLike<number>) => {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    ref = Math.max(ref, Math.abs(expected[i]));
  }
  return diff / ref;
};

describe('the RRDBNet graph builder', () => {
  for (const [file, config] of [['rrdbnet-tiny-x2.json', TINY_RRDBNET_X2], ['rrdbnet-tiny-x4.json', TINY_RRDBNET_X4]] as const) {
    it(`matches the PyTorch reference's committed output (${file}) within 1e-4 relative error`, async () => {
      const golden = JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as { config: RrdbnetConfig; seed: number; inputSeed: number; side: number; expected: number[] };
      expect(golden.config).toEqual(config);
      const dir = await tempDir();
      writeTinyUpscaleModel(path.join(dir, 'model.pth'), config, { seed: golden.seed, wrapperKey: 'params_ema' });
      const converted = await convertUpscaleModel(path.join(dir, 'model.pth'), path.join(dir, 'onnx'));
      const scale = 2 ** config.upsamples / config.unshuffle;
      expect(converted.index.scale).toBe(scale);
      const out = await upscale(converted.model, seededImage(golden.side, golden.side, golden.inputSeed), golden.side);
      expect(out.dims).toEqual([1, 3, golden.side * scale, golden.side * scale]);
      expect(relativeError(out.data, golden.expected)).toBeLessThan(1e-4);
    });
  }

  it('reads the old ESRGAN layout, the new layout and a params_ema .pth as the same network', async () => {
    const dir = await tempDir();
    const files = {
      esrgan: path.join(dir, 'old.pth'), basicsr: path.join(dir, 'new.safetensors'), wrapped: path.join(dir, 'wrapped.pth'),
    };
    writeTinyUpscaleModel(files.esrgan, TINY_RRDBNET_X4, { layout: 'esrgan' });
    writeTinyUpscaleModel(files.basicsr, TINY_RRDBNET_X4);
    writeTinyUpscaleModel(files.wrapped, TINY_RRDBNET_X4, { wrapperKey: 'params_ema' });
    const input = seededImage(8, 8, 3);
    const outputs = [];
    for (const [name, file] of Object.entries(files)) {
      const converted = await convertUpscaleModel(file, path.join(dir, `${name}-onnx`));
      expect(converted.index.config).toEqual(TINY_RRDBNET_X4);
      expect(converted.index.layout).toBe(name === 'esrgan' ? 'esrgan' : 'basicsr');
      outputs.push((await upscale(converted.model, input, 8)).data);
    }
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });

  it('runs the params_ema weights of a .pth that also holds params, as the params_ema file alone', async () => {
    const dir = await tempDir();
    const both = path.join(dir, 'both.pth');
    const emaOnly = path.join(dir, 'ema.pth');
    writeTorchDicts(both, [['params', seededRrdbnetTensors(TINY_RRDBNET_X2, 3)], ['params_ema', seededRrdbnetTensors(TINY_RRDBNET_X2, 4)]]);
    writeTinyUpscaleModel(emaOnly, TINY_RRDBNET_X2, { seed: 4, wrapperKey: 'params_ema' });
    const input = seededImage(8, 8, 5);
    const outputs = [];
    for (const file of [both, emaOnly]) outputs.push((await upscale((await convertUpscaleModel(file, `${file}-onnx`)).model, input, 8)).data);
    expect(outputs[0]).toEqual(outputs[1]);
  });

  it('converts once: an unchanged file is up to date, a changed one is converted again', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'model.safetensors');
    writeTinyUpscaleModel(file, TINY_RRDBNET_X2);
    const target = path.join(dir, 'onnx');
    expect((await convertUpscaleModel(file, target)).status).toBe('converted');
    const written = statSync(path.join(target, 'model.onnx')).mtimeMs;
    expect((await convertUpscaleModel(file, target)).status).toBe('up_to_date');
    expect(statSync(path.join(target, 'model.onnx')).mtimeMs).toBe(written);
    writeTinyUpscaleModel(file, TINY_RRDBNET_X4, { seed: 9 });
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const again = await convertUpscaleModel(file, target);
    expect([again.status, again.index.scale]).toEqual(['converted', 4]);
  });

  describe('refuses files it cannot use, with a coded error naming the file', () => {
    const refusal = async (write: (file: string) => void) => {
      const dir = await tempDir();
      const file = path.join(dir, 'bad.safetensors');
      write(file);
      const error = await convertUpscaleModel(file, path.join(dir, 'onnx')).catch((e: unknown) => e as { code: string; message: string; path: string });
      expect((error as { path: string }).path).toBe(file);
      expect((error as { message: string }).message).toContain(file);
      return error as { code: string; message: string };
    };

    it('a file that is no RRDBNet is upscale_model_unrecognized', async () => {
      const error = await refusal((file) => writeSafetensors(file, [{ name: 'encoder.weight', shape: [2], values: () => new Float32Array(2) }]));
      expect(error.code).toBe('upscale_model_unrecognized');
      expect(error.message).toContain('encoder.weight');
    });

    it('a missing tensor is upscale_model_invalid and named', async () => {
      const error = await refusal((file) => writeSafetensors(file, seededRrdbnetTensors(TINY_RRDBNET_X2, 1).filter((t) => t.name !== 'body.1.rdb2.conv3.bias')));
      expect(error.code).toBe('upscale_model_invalid');
      expect(error.message).toContain('body.1.rdb2.conv3.bias missing');
    });

    it('a tensor of the wrong shape is upscale_model_invalid with both shapes', async () => {
      const tensors = seededRrdbnetTensors(TINY_RRDBNET_X2, 1).map((t) => (t.name === 'conv_hr.weight' ? { ...t, shape: [16, 8, 3, 3], values: () => new Float32Array(16 * 8 * 9) } : t));
      const error = await refusal((file) => writeSafetensors(file, tensors));
      expect(error.code).toBe('upscale_model_invalid');
      expect(error.message).toContain('conv_hr.weight: expected [16,16,3,3], found [16,8,3,3]');
    });

    it('a file that is not a checkpoint at all keeps the reader\'s code', async () => {
      const error = await refusal((file) => writeFileSync(file, 'not a model'));
      expect(error.code).toBe('checkpoint_unknown_format');
    });
  });

  it('lists the tensors of Real-ESRGAN x4plus: 23 blocks of 15 convolutions plus 6 convolutions', () => {
    expect(rrdbnetTensors({ channels: 3, numFeat: 64, numBlock: 23, growth: 32, unshuffle: 1, upsamples: 2 })).toHaveLength(2 * (23 * 15 + 6));
  });
});
