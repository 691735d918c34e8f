import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticTensors, writeCkpt, writeSafetensors } from '../../../models/checkpoint/index.ts';
import { CONTROLNET_FILE, convertControlNet } from '../../../models/convert/controlnet.ts';
import { CONTROL_PREFIX, TINY_SD15_CONFIG, controlNetTensors, controlResidualInputs } from '../../../models/sd15/index.ts';
import { readOnnxInitializers } from '../../../models/model-folder/onnx-initializers.ts';
import { StoredWeights } from '../../../models/sd15/stored-weights.ts';
import { writeTinyControlNet, writeTinyControlNetFolder } from '../../fixtures/tiny-controlnet.ts';

const config = TINY_SD15_CONFIG.unet;
const dir = mkdtempSync(path.join(tmpdir(), 'convert-controlnet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tensors = () => syntheticTensors(controlNetTensors(config), { seed: 9 });

describe('convertControlNet', () => {
  it('turns an unprefixed .pth ControlNet into a folder whose controlnet.onnx onnxruntime runs, and is a no-op the second time', async () => {
    const file = path.join(dir, 'control_v11p_sd15_canny.pth');
    writeCkpt(file, tensors().map((t) => ({ ...t, name: t.name.slice(CONTROL_PREFIX.length) })));
    const out = path.join(dir, 'converted');
    const first = await convertControlNet(file, out);
    expect(first).toMatchObject({ status: 'converted', config });
    expect(JSON.parse(readFileSync(path.join(out, 'model_index.json'), 'utf8')).config).toEqual(config);
    const session = await ort.InferenceSession.create(path.join(out, CONTROLNET_FILE));
    expect([...session.outputNames].sort()).toEqual(controlResidualInputs(config).map((r) => r.name).sort());
    expect([...session.inputNames].sort()).toEqual(['encoder_hidden_states', 'hint', 'sample', 'timestep']);
    await session.release();
    expect((await convertControlNet(file, out)).status).toBe('up_to_date');
  });

  it('reads a diffusers ControlNet folder (.safetensors or .bin) into the same network as the original layout', async () => {
    const original = path.join(dir, 'original.safetensors');
    writeTinyControlNet(original, { seed: 4, prefixed: true });
    writeTinyControlNetFolder(path.join(dir, 'diffusers'), { seed: 4 });
    writeTinyControlNetFolder(path.join(dir, 'diffusers-bin'), { seed: 4, bin: true });
    const stored = async (source: string) => {
      const out = await convertControlNet(source, path.join(dir, `${path.basename(source)}-converted`));
      expect(out.config).toEqual(config);
      return new StoredWeights(readOnnxInitializers(path.join(out.dir, CONTROLNET_FILE)).values());
    };
    const [a, b, c] = [await stored(original), await stored(path.join(dir, 'diffusers')), await stored(path.join(dir, 'diffusers-bin'))];
    for (const [name, shape] of controlNetTensors(config)) {
      expect(Array.from(b.read(name, shape)), name).toEqual(Array.from(a.read(name, shape)));
      expect(Array.from(c.read(name, shape)), name).toEqual(Array.from(a.read(name, shape)));
    }
  });

  it('refuses a diffusers folder without weights as incomplete', async () => {
    const folder = path.join(dir, 'empty-diffusers');
    writeTinyControlNetFolder(folder, { seed: 4 });
    rmSync(path.join(folder, 'diffusion_pytorch_model.safetensors'));
    await expect(convertControlNet(folder, path.join(dir, 'empty-out'))).rejects.toMatchObject({ code: 'model_incomplete' });
  });

  it('refuses a ControlNet with a tensor missing, naming it, and leaves no folder', async () => {
    const file = path.join(dir, 'broken.safetensors');
    writeSafetensors(file, tensors().filter((t) => t.name !== 'control_model.zero_convs.3.0.weight'));
    const out = path.join(dir, 'broken');
    await expect(convertControlNet(file, out)).rejects.toMatchObject({ code: 'checkpoint_missing_tensors', message: expect.stringContaining('zero_convs.3.0.weight') });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an SD checkpoint that is no ControlNet', async () => {
    const file = path.join(dir, 'not-a-controlnet.safetensors');
    writeSafetensors(file, syntheticTensors(new Map([['model.diffusion_model.input_blocks.0.0.weight', [32, 4, 3, 3]]])));
    await expect(convertControlNet(file, path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'checkpoint_missing_tensors', message: expect.stringContaining('not an SD 1.5 ControlNet') });
  });
});
