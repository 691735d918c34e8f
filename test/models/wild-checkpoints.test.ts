import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint, DEFAULT_CALIBRATION } from '../../models/convert/index.ts';
import { openModelSource } from '../../models/convert/open-model-source.ts';
import { checkTensors } from '../../models/convert/check-tensors.ts';
import { openCheckpoint, writeCkpt, writeLegacyTorch, writeLightningExtras } from '../../models/checkpoint/index.ts';
import type { ProtocolTwoPickler } from '../../models/checkpoint/torch-pickle-writer.ts';
import { TINY_SD15_CONFIG } from '../../models/sd15/index.ts';
import { renamed, tinyTensors, writeTinyCheckpoint, writeTinyDiffusersFile, writeTinyDiffusersFolder } from '../fixtures/tiny-checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-wild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NETWORK_FILES = ['text_encoder/model.onnx', 'unet/model.onnx', 'unet/model.onnx.data', 'vae_encoder/model.onnx', 'vae_decoder/model.onnx'];
const reference = join(dir, 'models', 'reference');

const convert = (source: string, name: string) => convertCheckpoint(source, join(dir, 'models', name), { unetWeights: 'float' });

/** Every network of the conversion of `source` is byte for byte the reference's: the same weights reached the same places. */
async function expectSameNetworks(source: string, name: string) {
  const result = await convert(source, name);
  expect(result.config).toEqual(TINY_SD15_CONFIG);
  for (const file of NETWORK_FILES) {
    expect(readFileSync(join(result.dir, file)).equals(readFileSync(join(reference, file))), `${name}: ${file}`).toBe(true);
  }
}

beforeAll(async () => {
  writeTinyCheckpoint(join(dir, 'reference.ckpt'));
  await convertCheckpoint(join(dir, 'reference.ckpt'), reference, { unetWeights: 'float' });
});

describe('checkpoints as they are found in the wild convert to the same networks', () => {
  it('a PyTorch Lightning checkpoint (global_step, callbacks keyed by ModelCheckpoint, numpy scalars, a set) loads without running any of it', async () => {
    const path = join(dir, 'lightning.ckpt');
    writeTinyCheckpoint(path, { lightning: true });
    await expectSameNetworks(path, 'lightning');
  });

  it('a legacy (pre-zip) torch file, Lightning extras included', async () => {
    const path = join(dir, 'legacy.pt');
    writeTinyCheckpoint(path, { format: 'legacy', lightning: true });
    expect(readFileSync(path).subarray(0, 2)).toEqual(Buffer.from([0x80, 0x02]));
    await expectSameNetworks(path, 'legacy');
  });

  it('a diffusers PyTorch folder (safetensors) and one with .bin weights', async () => {
    writeTinyDiffusersFolder(join(dir, 'diffusers-st'));
    await expectSameNetworks(join(dir, 'diffusers-st'), 'diffusers-st');
    writeTinyDiffusersFolder(join(dir, 'diffusers-bin'), { bin: true });
    await expectSameNetworks(join(dir, 'diffusers-bin'), 'diffusers-bin');
  });

  it('a single safetensors file with diffusers names under unet./text_encoder./vae.', async () => {
    const path = join(dir, 'diffusers-names.safetensors');
    writeTinyDiffusersFile(path);
    await expectSameNetworks(path, 'diffusers-names');
  });

  it('a merge saved under a module. prefix, and CLIP under the old names without text_model.', async () => {
    const prefixed = join(dir, 'prefixed.safetensors');
    writeTinyCheckpoint(prefixed, { edit: renamed((name) => `module.${name}`) });
    await expectSameNetworks(prefixed, 'prefixed');
    const oldClip = join(dir, 'old-clip.ckpt');
    writeTinyCheckpoint(oldClip, { edit: renamed((name) => name.replace('cond_stage_model.transformer.text_model.', 'cond_stage_model.transformer.')) });
    await expectSameNetworks(oldClip, 'old-clip');
  });

  it('extra keys (model_ema.*, optimizer state) are ignored', async () => {
    const path = join(dir, 'with-ema.ckpt');
    writeTinyCheckpoint(path, {
      edit: (tensors) => [
        ...tensors,
        { name: 'model_ema.decay', shape: [], values: () => Float32Array.of(0.9999) },
        { name: 'model_ema.diffusion_modelinput_blocks00weight', shape: [2, 2], values: () => new Float32Array(4) },
        { name: 'optimizer.state.0.exp_avg', shape: [3], values: () => new Float32Array(3) },
      ],
    });
    await expectSameNetworks(path, 'with-ema');
  });

  it.each(['F16', 'BF16'] as const)('a %s checkpoint converts, with every tensor read as float32', (dtype) => {
    const path = join(dir, `half-${dtype}.safetensors`);
    writeTinyCheckpoint(path, { floatDType: dtype });
    const source = openModelSource(path);
    try {
      expect(source.info('model.diffusion_model.out.2.weight')?.dtype).toBe(dtype);
      expect(checkTensors(source).config).toEqual(TINY_SD15_CONFIG);
      expect(source.readSync('model.diffusion_model.out.2.weight').every(Number.isFinite)).toBe(true);
    } finally {
      source.close();
    }
  });

  it('an inpainting checkpoint (UNet conv_in with 9 input channels) converts with inChannels 9', async () => {
    const path = join(dir, 'inpainting.safetensors');
    const key = 'model.diffusion_model.input_blocks.0.0.weight';
    writeTinyCheckpoint(path, {
      edit: (tensors) => tensors.map((t) => (t.name === key ? { name: key, shape: [t.shape[0], 9, 3, 3], values: () => new Float32Array(t.shape[0] * 81).fill(0.01) } : t)),
    });
    const result = await convert(path, 'inpainting');
    expect(result.config.unet.inChannels).toBe(9);
    // Calibrating the static int8 UNet feeds the mask and masked-image planes too.
    const calibrated = await convertCheckpoint(path, join(dir, 'models', 'inpainting-static'), { unetWeights: 'int8-static', calibration: { ...DEFAULT_CALIBRATION, steps: 2 } });
    expect(calibrated.config.unet.inChannels).toBe(9);
    expect(existsSync(join(calibrated.dir, 'unet', 'model.onnx'))).toBe(true);
  }, 60_000);
});

describe('bad files name the file at fault', () => {
  it('a diffusers folder without its text encoder says what is missing', async () => {
    writeTinyDiffusersFolder(join(dir, 'half-folder'));
    rmSync(join(dir, 'half-folder', 'text_encoder'), { recursive: true });
    await expect(convert(join(dir, 'half-folder'), 'half-folder')).rejects.toMatchObject({ code: 'model_incomplete', message: expect.stringContaining('text_encoder/model.safetensors') });
  });

  it('a pickle naming os.system beside the Lightning entries is refused by name, in the zip and the legacy format', () => {
    const extras = (p: ProtocolTwoPickler) => {
      writeLightningExtras(p);
      p.string('hook');
      p.call('os', 'system', [() => p.string('echo owned')]);
      p.op(0x73);
    };
    const zip = join(dir, 'evil.ckpt');
    writeCkpt(zip, tinyTensors(), { extras });
    expect(() => openCheckpoint(zip)).toThrow(expect.objectContaining({ code: 'pickle_forbidden_global', path: zip, message: expect.stringContaining('"os.system"') }));
    const legacy = join(dir, 'evil.pt');
    writeLegacyTorch(legacy, tinyTensors(), { extras });
    expect(() => openCheckpoint(legacy)).toThrow(expect.objectContaining({ code: 'pickle_forbidden_global', path: legacy }));
  });

  it('a truncated legacy file is truncated, naming the file', () => {
    const whole = join(dir, 'whole.pt');
    writeTinyCheckpoint(whole, { format: 'legacy' });
    const cut = join(dir, 'cut.pt');
    writeFileSync(cut, readFileSync(whole).subarray(0, 5000));
    expect(() => openCheckpoint(cut)).toThrow(expect.objectContaining({ code: 'checkpoint_truncated', path: cut }));
  });
});
