import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openCheckpoint } from '../../../models/checkpoint/index.ts';
import type { FloatTensorSpec } from '../../../models/checkpoint/tensor-spec.ts';
import { writeTorchDicts } from '../../fixtures/torch-dicts.ts';

const weights = (fill: number): FloatTensorSpec[] =>
  ['conv_first.weight', 'conv_first.bias'].map((name, i) => ({
    name,
    shape: [2, 2],
    values: () => Float32Array.from({ length: 4 }, (_, j) => fill + i + j / 10),
  }));

it('reads a .pth holding params and then params_ema as its params_ema weights', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'lf-params-ema-')), 'RealESRGAN_x4plus.pth');
  writeTorchDicts(file, [['params', weights(1)], ['params_ema', weights(5)]]);
  const source = openCheckpoint(file);
  try {
    expect(source.tensors.map((t) => t.name)).toEqual(['conv_first.weight', 'conv_first.bias']);
    for (const expected of weights(5)) expect(Array.from(source.readSync(expected.name))).toEqual(Array.from(expected.values()));
  } finally {
    source.close();
  }
});
