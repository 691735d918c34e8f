import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphBuilder, writeOnnxModel } from '../../../models/onnx/index.ts';
import type { OnnxModel } from '../../../models/onnx/index.ts';
import { linear } from '../../../models/onnx/ops.ts';
import { maxAbsDiff, seededValues } from './run-model.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'latentflow-writer-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const W = seededValues(64 * 32, 1);
const B = seededValues(32, 2);
const X = seededValues(3 * 64, 3);

/** y = x @ w + b with a [64, 32] weight (8 KiB: big enough for external data). */
function model(loads: string[] = [], weight: () => Float32Array = () => W): OnnxModel {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['batch', 64]);
  const w = g.initializer('w', 'float32', [64, 32], () => { loads.push('w'); return weight(); });
  const b = g.initializer('b', 'float32', [32], () => { loads.push('b'); return B; });
  g.output(linear(g, x, w, b), 'y', 'float32', ['batch', 32]);
  return g.build('linear');
}

function expected(): Float32Array {
  const out = new Float32Array(3 * 32);
  for (let r = 0; r < 3; r++) for (let o = 0; o < 32; o++) {
    let sum = B[o];
    for (let i = 0; i < 64; i++) sum += X[r * 64 + i] * W[i * 32 + o];
    out[r * 32 + o] = sum;
  }
  return out;
}

async function run(path: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path);
  const { y } = await session.run({ x: new ort.Tensor('float32', X, [3, 64]) });
  return y.data as Float32Array;
}

describe('writeOnnxModel', () => {
  it('writes a self-contained model that onnxruntime runs, loading each initializer once', async () => {
    const loads: string[] = [];
    const path = join(dir, 'model.onnx');
    const written = writeOnnxModel(model(loads), path, { externalData: false });
    expect(written).toEqual({ modelPath: path, dataPath: undefined, weightBytes: (64 * 32 + 32) * 4 });
    expect(loads.sort()).toEqual(['b', 'w']);
    expect(readdirSync(dir)).toEqual(['model.onnx']);
    expect(maxAbsDiff(await run(path), expected())).toBeLessThan(1e-5);
  });

  it('puts large tensors in model.onnx.data at aligned offsets, small ones inline', async () => {
    const path = join(dir, 'model.onnx');
    const written = writeOnnxModel(model(), path, { externalData: true });
    expect(written.dataPath).toBe(`${path}.data`);
    expect(readdirSync(dir).sort()).toEqual(['model.onnx', 'model.onnx.data']);
    expect(statSync(`${path}.data`).size).toBe(64 * 32 * 4);
    expect(statSync(path).size).toBeLessThan(1024);
    const data = readFileSync(`${path}.data`);
    expect(new Float32Array(data.buffer, data.byteOffset, 64 * 32)).toEqual(W);
    expect(readFileSync(path).includes('model.onnx.data')).toBe(true);
    expect(maxAbsDiff(await run(path), expected())).toBeLessThan(1e-5);
  });

  it("by default ('auto') keeps small models in one file and moves weights over 64 MiB out", () => {
    writeOnnxModel(model(), join(dir, 'small.onnx'));
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1, 4096]);
    const big = g.initializer('big', 'float32', [4096, 4097], () => new Float32Array(4096 * 4097));
    g.output(g.op('MatMul', [x, big]), 'y', 'float32');
    const written = writeOnnxModel(g.build('big'), join(dir, 'big.onnx'));
    expect(written.dataPath).toBe(join(dir, 'big.onnx.data'));
    expect(readdirSync(dir).sort()).toEqual(['big.onnx', 'big.onnx.data', 'small.onnx']);
  });

  it('stores float16 weights with a Cast back to float32', async () => {
    const path = join(dir, 'model.onnx');
    writeOnnxModel(model(), path, { weightType: 'float16' });
    const float32Size = statSync(path).size;
    writeOnnxModel(model(), join(dir, 'full.onnx'));
    expect(float32Size).toBeLessThan(statSync(join(dir, 'full.onnx')).size * 0.6);
    // fp16 keeps 11 significant bits: sums of 64 products stay within ~1e-2.
    expect(maxAbsDiff(await run(path), expected())).toBeLessThan(2e-2);
  });

  it('reports progress per tensor in bytes', () => {
    const seen: number[] = [];
    writeOnnxModel(model(), join(dir, 'model.onnx'), { externalData: true, onProgress: (p) => seen.push(p.bytesWritten / p.bytesTotal) });
    expect(seen.at(-1)).toBeLessThanOrEqual(1);
    expect(seen.length).toBeGreaterThan(0);
    writeOnnxModel(model(), join(dir, 'inline.onnx'), { onProgress: (p) => seen.push(p.bytesWritten / p.bytesTotal) });
    expect(seen.at(-1)).toBe(1);
  });

  it('leaves no file behind when a weight fails to load, and names the bad tensor', () => {
    const path = join(dir, 'model.onnx');
    expect(() => writeOnnxModel(model([], () => new Float32Array(5)), path, { externalData: true }))
      .toThrow(/initializer w: got 20 bytes of data, expected 8192/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(() => writeOnnxModel(model([], () => { throw new Error('disk read failed'); }), path)).toThrow('disk read failed');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the data file of a previous external-data version of the model', async () => {
    const path = join(dir, 'model.onnx');
    writeOnnxModel(model(), path, { externalData: true });
    writeOnnxModel(model(), path, { externalData: false });
    expect(readdirSync(dir)).toEqual(['model.onnx']);
    expect(maxAbsDiff(await run(path), expected())).toBeLessThan(1e-5);
  });

  it('replaces an existing model only once the new one is complete', async () => {
    const path = join(dir, 'model.onnx');
    writeOnnxModel(model(), path);
    expect(() => writeOnnxModel(model([], () => new Float32Array(1)), path)).toThrow();
    expect(maxAbsDiff(await run(path), expected())).toBeLessThan(1e-5);
  });
});
