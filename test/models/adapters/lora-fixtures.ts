import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSafetensors, type TensorSpec } from '../../../models/checkpoint/index.ts';

/** A data folder in a temp dir holding a copy of the tiny test model (data/models/tiny). */
export function dataDirWithTinyModel(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'lf-lora-'));
  cpSync(resolve('data/models/tiny'), join(dataDir, 'models', 'tiny'), { recursive: true });
  mkdirSync(join(dataDir, 'loras'));
  mkdirSync(join(dataDir, 'embeddings'));
  return dataDir;
}

/** Deterministic values in [-scale, scale]. */
export const values = (count: number, seed: number, scale = 0.1) => Float32Array.from({ length: count }, (_, i) => scale * Math.sin(seed * 12.9898 + i * 78.233));

export const spec = (name: string, shape: number[], seed: number, scale = 0.1): TensorSpec => {
  const data = values(shape.reduce((a, b) => a * b, 1), seed, scale);
  return { name, shape, values: () => data };
};

export const scalar = (name: string, value: number): TensorSpec => ({ name, shape: [], values: () => Float32Array.of(value) });

export function writeLora(path: string, tensors: TensorSpec[]): string {
  writeSafetensors(path, tensors);
  return path;
}

/** a [n, k] @ b [k, m] by the definition. */
export function matmul(a: Float32Array, b: Float32Array, n: number, k: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let sum = 0;
    for (let r = 0; r < k; r++) sum += a[i * k + r] * b[r * m + j];
    out[i * m + j] = sum;
  }
  return out;
}
