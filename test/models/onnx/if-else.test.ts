import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, writeOnnxModel } from '../../../models/onnx/index.ts';
import { add, mul } from '../../../models/onnx/ops.ts';

const dir = mkdtempSync(join(tmpdir(), 'lf-if-else-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GraphBuilder.ifElse (an ONNX If with subgraph branches)', () => {
  it('runs the branch the condition picks; branches use outer values, initializers and constants made inside them', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3]);
    const condition = g.input('condition', 'bool', [1]);
    const weight = g.initializer('weight', 'float32', [3], () => Float32Array.of(1, 2, 3));
    const doubled = mul(g, x, g.constant('float32', [2]));
    const chosen = g.ifElse(condition, { dataType: 'float32', dims: [3] }, () => add(g, mul(g, doubled, weight), g.constant('float32', [10])), () => x);
    g.output(add(g, chosen, x), 'y', 'float32', [3]);
    const path = join(dir, 'model.onnx');
    writeOnnxModel(g.build('if_else'), path);
    const session = await ort.InferenceSession.create(path);
    try {
      const run = async (on: boolean) => Array.from((await session.run({
        x: new ort.Tensor('float32', Float32Array.of(1, -1, 0.5), [3]),
        condition: new ort.Tensor('bool', Uint8Array.of(on ? 1 : 0), [1]),
      })).y.data as Float32Array);
      expect(await run(true)).toEqual([2 * 1 * 1 + 10 + 1, 2 * -1 * 2 + 10 - 1, 2 * 0.5 * 3 + 10 + 0.5]);
      expect(await run(false)).toEqual([2, -2, 1]);
    } finally {
      await session.release();
    }
  });
});
