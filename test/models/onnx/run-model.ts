import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeOnnxModel } from '../../../models/onnx/index.ts';
import type { OnnxModel, WriteOptions } from '../../../models/onnx/index.ts';

export type Feeds = Record<string, { data: Float32Array | Int32Array; dims: number[] }>;

/** Writes `model` to a temporary folder, runs it once in onnxruntime-node and returns the outputs. */
export async function runModel(model: OnnxModel, feeds: Feeds, options: WriteOptions = {}): Promise<Record<string, ort.Tensor>> {
  const dir = mkdtempSync(join(tmpdir(), 'latentflow-onnx-'));
  try {
    const path = join(dir, 'model.onnx');
    writeOnnxModel(model, path, options);
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, { data, dims }] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor(data instanceof Int32Array ? 'int32' : 'float32', data, dims);
    }
    const outputs = await session.run(inputs);
    await session.release();
    return outputs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random values in [-scale, scale). */
export function seededValues(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = (state / 2 ** 32 * 2 - 1) * scale;
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
