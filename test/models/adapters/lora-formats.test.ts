import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCkpt } from '../../../models/checkpoint/index.ts';
import { ZipWriter } from '../../../models/checkpoint/zip-writer.ts';
import { openLora } from '../../../models/adapters/read-lora.ts';
import type { AdapterChange } from '../../../models/adapters/delta.ts';
import { TINY_SD15_CONFIG } from '../../../models/sd15/index.ts';
import { dataDirWithTinyModel, matmul, scalar, spec, values, writeLora } from './lora-fixtures.ts';

const U = 'model.diffusion_model.';
const TO_Q = `${U}input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight`;
const TO_OUT = `${U}input_blocks.1.1.transformer_blocks.0.attn1.to_out.0.weight`;
const FC1 = 'cond_stage_model.transformer.text_model.encoder.layers.1.mlp.fc1.weight';
const dir = join(dataDirWithTinyModel(), 'loras');

/** The full delta of a change. */
const dense = (change: AdapterChange) =>
  change.kind === 'full' ? change.delta : matmul(change.up, change.down, change.rows, change.rank, change.cols).map((v) => v * change.scale);

/** The modules a file adapts, by target, with their deltas. */
function read(path: string) {
  const lora = openLora(path, TINY_SD15_CONFIG);
  try {
    return { unmatched: lora.unmatched, deltas: new Map(lora.modules.map((m) => [m.target.key, { kind: m.kind, delta: dense(lora.change(m)) }])) };
  } finally {
    lora.close();
  }
}

const lowRank = (name: string, down: string, up: string, out: number, inputs: number) => [
  spec(`${name}${down}`, [2, inputs], 1),
  spec(`${name}${up}`, [out, 2], 2),
];
function expectClose(actual: Float32Array | undefined, expected: Float32Array) {
  expect(actual?.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual?.[i]).toBeCloseTo(v, 7));
}
const expectedLowRank = (out: number, inputs: number) => matmul(values(out * 2, 2), values(2 * inputs, 1), out, 2, inputs);

describe('LoRA file formats', () => {
  it.each([
    ['PEFT lora_A / lora_B with unet. and text_encoder. prefixes', 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', '.lora_A.weight', '.lora_B.weight'],
    ['diffusers .lora.down / .lora.up', 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', '.lora.down.weight', '.lora.up.weight'],
    ['diffusers lora_linear_layer', 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', '.lora_linear_layer.down.weight', '.lora_linear_layer.up.weight'],
    ['diffusers attention processors', 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_q_lora', '.down.weight', '.up.weight'],
    ['kohya with CompVis names', 'lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q', '.lora_down.weight', '.lora_up.weight'],
  ])('%s: up @ down, scale 1 without alpha', (_, name, down, up) => {
    const { deltas, unmatched } = read(writeLora(join(dir, `${name}${down}.safetensors`), lowRank(name, down, up, 32, 32)));
    expect(unmatched).toEqual([]);
    expectClose(deltas.get(TO_Q)?.delta, expectedLowRank(32, 32));
  });

  it('diffusers to_out_lora adapts to_out.0, and PEFT text encoder keys the text encoder', () => {
    const file = writeLora(join(dir, 'processor-out.safetensors'), [
      ...lowRank('down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora', '.down.weight', '.up.weight', 32, 32),
      ...lowRank('text_encoder.text_model.encoder.layers.1.mlp.fc1', '.lora_A.weight', '.lora_B.weight', 256, 64),
    ]);
    const { deltas } = read(file);
    expectClose(deltas.get(TO_OUT)?.delta, expectedLowRank(32, 32));
    expectClose(deltas.get(FC1)?.delta, expectedLowRank(256, 64));
  });

  it('LyCORIS LoHa (hada_*) and LoKr (lokr_*)', () => {
    const loha = 'lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q';
    const lokr = 'lora_te_text_model_encoder_layers_1_mlp_fc1';
    const file = writeLora(join(dir, 'lycoris.safetensors'), [
      spec(`${loha}.hada_w1_a`, [32, 2], 1), spec(`${loha}.hada_w1_b`, [2, 32], 2),
      spec(`${loha}.hada_w2_a`, [32, 2], 3), spec(`${loha}.hada_w2_b`, [2, 32], 4), scalar(`${loha}.alpha`, 4),
      spec(`${lokr}.lokr_w1`, [16, 8], 5), spec(`${lokr}.lokr_w2`, [16, 8], 6),
    ]);
    const { deltas } = read(file);
    const w1 = matmul(values(64, 1), values(64, 2), 32, 2, 32);
    const w2 = matmul(values(64, 3), values(64, 4), 32, 2, 32);
    expect(deltas.get(TO_Q)?.kind).toBe('loha');
    deltas.get(TO_Q)?.delta.forEach((v, i) => expect(v).toBeCloseTo(w1[i] * w2[i] * 2, 6));
    const [a, b] = [values(128, 5), values(128, 6)];
    const lokrDelta = deltas.get(FC1)?.delta as Float32Array;
    expect(lokrDelta.length).toBe(256 * 64);
    expect(lokrDelta[(3 * 16 + 5) * 64 + (2 * 8 + 7)]).toBeCloseTo(a[3 * 8 + 2] * b[5 * 8 + 7], 6);
  });

  it('reads a kohya LoRA saved as a torch zip (.pt) through the safe unpickler', () => {
    const name = 'lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q';
    const path = join(dir, 'torch.pt');
    writeCkpt(path, lowRank(name, '.lora_down.weight', '.lora_up.weight', 32, 32));
    expectClose(read(path).deltas.get(TO_Q)?.delta, expectedLowRank(32, 32));
  });
});

describe('LoRA files that must be refused', () => {
  const failure = (path: string) => {
    try {
      openLora(path, TINY_SD15_CONFIG).close();
    } catch (error) {
      return error as { code: string; path: string; message: string };
    }
    throw new Error(`${path} was accepted`);
  };

  it('an SDXL LoRA is for another architecture', () => {
    const path = writeLora(join(dir, 'sdxl.safetensors'), lowRank('lora_te2_text_model_encoder_layers_0_mlp_fc1', '.lora_down.weight', '.lora_up.weight', 256, 64));
    expect(failure(path)).toMatchObject({ code: 'lora_wrong_architecture', path, message: expect.stringContaining('lora_te2_') });
  });

  it('a checkpoint that is not a LoRA', () => {
    const path = writeLora(join(dir, 'model.safetensors'), [spec(`${U}out.2.weight`, [4, 32, 3, 3], 1)]);
    expect(failure(path)).toMatchObject({ code: 'lora_invalid', path });
  });

  it('a truncated file', async () => {
    const { truncate } = await import('node:fs/promises');
    const path = writeLora(join(dir, 'truncated.safetensors'), lowRank('lora_unet_input_blocks_1_1_proj_in', '.lora_down.weight', '.lora_up.weight', 32, 32));
    await truncate(path, 200);
    expect(failure(path)).toMatchObject({ code: 'lora_unreadable', path, message: expect.stringContaining('truncated.safetensors') });
  });

  it('a pickle naming os.system, refused before anything runs', () => {
    const path = join(dir, 'evil.pt');
    const zip = new ZipWriter(path);
    zip.add('archive/data.pkl', [Buffer.from('\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.', 'latin1')]);
    zip.finish();
    const error = failure(path);
    expect(error).toMatchObject({ code: 'lora_unreadable', path, message: expect.stringContaining('os.system') });
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('pickle_forbidden_global');
  });
});
