import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FULL_SD15_CONFIG, TINY_SD15_CONFIG, expectedTensors, inferConfig } from '../../../models/sd15/index.ts';

const checkpointKeys = JSON.parse(readFileSync(new URL('../../fixtures/sd15/checkpoint-keys.json', import.meta.url), 'utf8')) as Record<string, number[]>;

describe('expectedTensors', () => {
  it('lists exactly the 1130 tensors of v1-5-pruned-emaonly with their shapes for the full config', () => {
    expect(Object.fromEntries(expectedTensors(FULL_SD15_CONFIG))).toEqual(checkpointKeys);
  });

  it('lists the tiny config with the same names pattern and smaller shapes', () => {
    const tiny = expectedTensors(TINY_SD15_CONFIG);
    expect(tiny.get('cond_stage_model.transformer.text_model.embeddings.token_embedding.weight')).toEqual([49408, 64]);
    expect(tiny.get('model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight')).toEqual([32, 64]);
    expect(tiny.get('first_stage_model.decoder.conv_in.weight')).toEqual([64, 4, 3, 3]);
  });
});

describe('inferConfig', () => {
  it('recovers the full and the tiny config from tensor shapes', () => {
    expect(inferConfig(expectedTensors(FULL_SD15_CONFIG))).toEqual(FULL_SD15_CONFIG);
    expect(inferConfig(expectedTensors(TINY_SD15_CONFIG))).toEqual(TINY_SD15_CONFIG);
  });

  it('reads a model with other sizes (3 levels, 1 block, no attention at level 0)', () => {
    const config = {
      text: { vocab: 100, width: 128, layers: 3, heads: 2, positions: 77, ffn: 512 },
      unet: { ...TINY_SD15_CONFIG.unet, channels: [32, 64, 96], attention: [false, true, true], layersPerBlock: 1, contextDim: 128 },
      vae: { ...TINY_SD15_CONFIG.vae, channels: [32, 64], blocks: 3 },
    };
    expect(inferConfig(expectedTensors(config))).toEqual(config);
  });

  it('names the missing tensor when a checkpoint is not SD 1.5', () => {
    const shapes = expectedTensors(FULL_SD15_CONFIG);
    shapes.delete('model.diffusion_model.out.2.weight');
    expect(() => inferConfig(shapes)).toThrow(/model\.diffusion_model\.out\.2\.weight/);
    expect(() => inferConfig(new Map())).toThrow(/token_embedding/);
  });

  it('rejects a text width that is not a whole number of 64-wide heads', () => {
    const shapes = expectedTensors({ ...TINY_SD15_CONFIG, text: { ...TINY_SD15_CONFIG.text, width: 96 } });
    expect(() => inferConfig(shapes)).toThrow(/width 96/);
  });
});
