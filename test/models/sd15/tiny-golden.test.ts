import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';

// Golden outputs of the independent PyTorch implementation (tools/reference/sd15_torch.py) for the
// tiny models' weights (seed 1) on seeded inputs; regenerate with the steps in tools/reference/README.md.
const GOLDEN = join(import.meta.dirname, 'fixtures', 'tiny-golden');
const TINY = join('data', 'models', 'tiny');

interface TensorMeta { dtype: 'float32' | 'int32'; shape: number[] }
interface Meta { inputs: Record<string, TensorMeta>; outputs: Record<string, TensorMeta> }

function load(network: string, name: string, meta: TensorMeta): ort.Tensor {
  const bytes = readFileSync(join(GOLDEN, network, `${name}.bin`));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const data = meta.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
  return new ort.Tensor(meta.dtype, data, meta.shape);
}

/** max |actual - expected| / max |expected|. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

describe('the tiny models match the PyTorch reference', () => {
  for (const network of ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder']) {
    it(`${network}: every output within 1e-5 relative error of the committed golden values`, async () => {
      const meta = JSON.parse(readFileSync(join(GOLDEN, network, 'meta.json'), 'utf8')) as Meta;
      const feeds = Object.fromEntries(Object.entries(meta.inputs).map(([name, m]) => [name, load(network, name, m)]));
      const session = await ort.InferenceSession.create(join(TINY, network, 'model.onnx'), { intraOpNumThreads: 1 });
      try {
        const results = await session.run(feeds);
        for (const [name, m] of Object.entries(meta.outputs)) {
          const expected = load(network, name, m).data as Float32Array;
          expect(results[name].dims, name).toEqual(m.shape);
          expect(relativeError(results[name].data as Float32Array, expected), name).toBeLessThan(1e-5);
        }
      } finally {
        await session.release();
      }
    });
  }
});
