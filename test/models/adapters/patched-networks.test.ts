import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { patchNetwork } from '../../../models/adapters/patched-networks.ts';
import { openLora } from '../../../models/adapters/read-lora.ts';
import { fileSha256 } from '../../../models/adapters/files.ts';
import { readOnnxInitializers } from '../../../models/model-folder/onnx-initializers.ts';
import { StoredWeights } from '../../../models/sd15/stored-weights.ts';
import { TINY_SD15_CONFIG } from '../../../models/sd15/index.ts';
import { dataDirWithTinyModel, matmul, scalar, spec, values, writeLora } from './lora-fixtures.ts';

const U = 'model.diffusion_model.';
const T = 'cond_stage_model.transformer.text_model.';
const TO_K = `${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`;
const CONV = `${U}input_blocks.1.0.in_layers.2.weight`;
const Q_PROJ = `${T}encoder.layers.0.self_attn.q_proj.weight`;

function kohyaLora(path: string): string {
  return writeLora(path, [
    spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.lora_down.weight', [2, 64], 1),
    spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.lora_up.weight', [32, 2], 2),
    scalar('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.alpha', 1),
    // LoCon, diffusers block name: down_blocks.0.resnets.0.conv1 is input_blocks.1.0.in_layers.2
    spec('lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight', [2, 32, 3, 3], 3),
    spec('lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight', [32, 2, 1, 1], 4),
    spec('lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight', [2, 64], 5),
    spec('lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight', [64, 2], 6),
    spec('lora_unet_no_such_layer.lora_down.weight', [2, 64], 7),
    spec('lora_unet_no_such_layer.lora_up.weight', [64, 2], 8),
  ]);
}

const stored = (model: string) => new StoredWeights(readOnnxInitializers(model).values());

describe('patchNetwork', () => {
  const dataDir = dataDirWithTinyModel();
  const cache = join(dataDir, 'cache');
  const unet = join(dataDir, 'models/tiny/unet/model.onnx');
  const textEncoder = join(dataDir, 'models/tiny/text_encoder/model.onnx');
  const file = kohyaLora(join(dataDir, 'loras', 'kohya.safetensors'));
  const applied = (strength: number) => [{ file, sha256: fileSha256(file), strength }];

  it('reports the keys that match no layer by name', () => {
    const lora = openLora(file, TINY_SD15_CONFIG);
    lora.close();
    expect(lora.unmatched.sort()).toEqual(['lora_unet_no_such_layer.lora_down.weight', 'lora_unet_no_such_layer.lora_up.weight']);
    expect(lora.modules.map((m) => m.target.key).sort()).toEqual([Q_PROJ, CONV, TO_K].sort());
  });

  it('adds strength x (alpha / rank) x up @ down to each adapted UNet weight and leaves every other byte as it was', async () => {
    const patched = await patchNetwork({ model: unet, network: 'unet', loras: applied(0.8), cacheDir: cache });
    expect(patched.startsWith(cache)).toBe(true);
    const [base, after] = [stored(unet), stored(patched)];
    const toK = matmul(values(64, 2, 0.1).subarray(0, 64), values(128, 1), 32, 2, 64);
    const expectedToK = base.read(TO_K, [32, 64]).map((w, i) => w + 0.8 * 0.5 * toK[i]);
    after.read(TO_K, [32, 64]).forEach((w, i) => expect(w).toBeCloseTo(expectedToK[i], 6));
    const conv = matmul(values(64, 4), values(2 * 32 * 9, 3), 32, 2, 32 * 9);
    const expectedConv = base.read(CONV, [32, 32, 3, 3]).map((w, i) => w + 0.8 * conv[i]);
    after.read(CONV, [32, 32, 3, 3]).forEach((w, i) => expect(w).toBeCloseTo(expectedConv[i], 6));
    const untouched = `${U}out.2.weight`;
    expect(after.read(untouched, [4, 32, 3, 3])).toEqual(base.read(untouched, [4, 32, 3, 3]));
    // Only the changed tensors are written; the rest is read from the base's data file, linked, not copied.
    const own = [...readOnnxInitializers(patched).values()].filter((init) => init.file === join(dirname(patched), 'model.onnx.data'));
    expect(new Set(own.map((init) => init.name.split(/[:[]/)[0]))).toEqual(new Set([TO_K, CONV]));
    expect(statSync(join(dirname(patched), 'base-model.onnx.data')).ino).toBe(statSync(`${unet}.data`).ino);
    const session = await ort.InferenceSession.create(patched);
    const [batch, side] = [1, 8];
    const outputs = await session.run({
      sample: new ort.Tensor('float32', new Float32Array(batch * 4 * side * side).fill(0.1), [batch, 4, side, side]),
      timestep: new ort.Tensor('float32', Float32Array.of(500), [batch]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(batch * 77 * 64).fill(0.1), [batch, 77, 64]),
    });
    expect(Object.values(outputs)[0].dims).toEqual([batch, 4, side, side]);
    await session.release();
  });

  it('patches an upsampling conv the lean graph stores as four phase filters (LoCon on the upsampler)', async () => {
    const key = `${U}output_blocks.1.2.conv.weight`;
    expect([...readOnnxInitializers(unet).keys()].filter((name) => name.startsWith(key))).toEqual([0, 1, 2, 3].map((p) => `${key}:phase${p}`));
    const locon = writeLora(join(dataDir, 'loras', 'upsampler.safetensors'), [
      spec('lora_unet_output_blocks_1_2_conv.lora_down.weight', [2, 64, 3, 3], 11),
      spec('lora_unet_output_blocks_1_2_conv.lora_up.weight', [64, 2, 1, 1], 12),
    ]);
    const patched = await patchNetwork({ model: unet, network: 'unet', loras: [{ file: locon, sha256: fileSha256(locon), strength: 1 }], cacheDir: cache });
    const delta = matmul(values(128, 12), values(2 * 64 * 9, 11), 64, 2, 64 * 9);
    const expected = stored(unet).read(key, [64, 64, 3, 3]).map((w, i) => w + delta[i]);
    stored(patched).read(key, [64, 64, 3, 3]).forEach((w, i) => expect(w).toBeCloseTo(expected[i], 5));
  });

  it('patches the text encoder with the lora_te_ layers', async () => {
    const patched = await patchNetwork({ model: textEncoder, network: 'text_encoder', loras: applied(1), cacheDir: cache });
    const delta = matmul(values(128, 6), values(128, 5), 64, 2, 64);
    const expected = stored(textEncoder).read(Q_PROJ, [64, 64]).map((w, i) => w + delta[i]);
    stored(patched).read(Q_PROJ, [64, 64]).forEach((w, i) => expect(w).toBeCloseTo(expected[i], 6));
  });

  it('makes a copy once per model, LoRA content and strength, and reuses it', async () => {
    const first = await patchNetwork({ model: unet, network: 'unet', loras: applied(0.5), cacheDir: cache });
    const written = statSync(first).mtimeMs;
    expect(await patchNetwork({ model: unet, network: 'unet', loras: applied(0.5), cacheDir: cache })).toBe(first);
    expect(statSync(first).mtimeMs).toBe(written);
    expect(await patchNetwork({ model: unet, network: 'unet', loras: applied(0.6), cacheDir: cache })).not.toBe(first);
  });

  it('opens the base network itself at strength 0', async () => {
    expect(await patchNetwork({ model: unet, network: 'unet', loras: applied(0), cacheDir: cache })).toBe(unet);
  });

  it('reads back shape checks: a LoRA for a wider model is a coded error naming the file and layer', async () => {
    const wide = writeLora(join(dataDir, 'loras', 'wide.safetensors'), [
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.lora_down.weight', [2, 768], 1),
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.lora_up.weight', [32, 2], 2),
    ]);
    await expect(patchNetwork({ model: unet, network: 'unet', loras: [{ file: wide, sha256: fileSha256(wide), strength: 1 }], cacheDir: cache }))
      .rejects.toThrow(expect.objectContaining({ code: 'lora_shape_mismatch', path: wide }));
  });
});

describe('patchNetwork on quantised and float16 conversions', () => {
  it('requantises an int8 UNet weight it changes and keeps the others byte for byte', async () => {
    const { convertCheckpoint } = await import('../../../models/convert/index.ts');
    const { expectedTensors } = await import('../../../models/sd15/index.ts');
    const { syntheticTensors, writeSafetensors } = await import('../../../models/checkpoint/index.ts');
    const dataDir = dataDirWithTinyModel();
    const checkpoint = join(dataDir, 'tiny-int8.safetensors');
    writeSafetensors(checkpoint, syntheticTensors(expectedTensors(TINY_SD15_CONFIG), { seed: 3 }));
    await convertCheckpoint(checkpoint, join(dataDir, 'models', 'tiny-int8'), { unetWeights: 'int8' });
    const unet = join(dataDir, 'models/tiny-int8/unet/model.onnx');
    const file = kohyaLora(join(dataDir, 'loras', 'kohya.safetensors'));
    const patched = await patchNetwork({ model: unet, network: 'unet', loras: [{ file, sha256: fileSha256(file), strength: 1 }], cacheDir: join(dataDir, 'cache') });
    const [base, after] = [stored(unet), stored(patched)];
    const delta = matmul(values(64, 2), values(128, 1), 32, 2, 64);
    const wanted = base.read(TO_K, [32, 64]).map((w, i) => w + 0.5 * delta[i]);
    const got = after.read(TO_K, [32, 64]);
    const step = Math.max(...wanted.map(Math.abs)) / 63;
    got.forEach((w, i) => expect(Math.abs(w - wanted[i])).toBeLessThanOrEqual(step));
    const untouched = [...readOnnxInitializers(unet).values()].find((init) => init.name.includes('to_q') && init.name.endsWith(':int8'));
    const copy = readOnnxInitializers(patched).get(untouched?.name as string);
    expect(readFileSync(copy?.file as string).subarray(copy?.offset, (copy?.offset ?? 0) + (copy?.length ?? 0)))
      .toEqual(readFileSync(untouched?.file as string).subarray(untouched?.offset, (untouched?.offset ?? 0) + (untouched?.length ?? 0)));
  });

  it('patches the float16 shapes-tiny UNet within float16 precision', async () => {
    const { cpSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(join(tmpdir(), 'lf-lora-fp16-'));
    cpSync('data/models/shapes-tiny', join(dataDir, 'models', 'shapes-tiny'), { recursive: true });
    const unet = join(dataDir, 'models/shapes-tiny/unet/model.onnx');
    const key = `${U}input_blocks.1.1.transformer_blocks.0.attn2.to_v.weight`;
    const file = writeLora(join(dataDir, 'v.safetensors'), [
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_v.lora_down.weight', [4, 64], 1),
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_v.lora_up.weight', [64, 4], 2),
    ]);
    const patched = await patchNetwork({ model: unet, network: 'unet', loras: [{ file, sha256: fileSha256(file), strength: 2 }], cacheDir: join(dataDir, 'cache') });
    const delta = matmul(values(256, 2), values(256, 1), 64, 4, 64);
    const wanted = stored(unet).read(key, [64, 64]).map((w, i) => w + 2 * delta[i]);
    stored(patched).read(key, [64, 64]).forEach((w, i) => expect(w).toBeCloseTo(wanted[i], 2));
  });
});
