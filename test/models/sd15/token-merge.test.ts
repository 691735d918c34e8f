import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../models/onnx/index.ts';
import { attention } from '../../../models/onnx/ops.ts';
import { buildUnet, expectedTensors, TINY_SD15_CONFIG, type TokenMergeOptions } from '../../../models/sd15/index.ts';
import { dstPattern, tokenMatching } from '../../../models/sd15/token-merge.ts';
import { maxAbsDiff, runModel, seededValues } from '../onnx/run-model.ts';

/**
 * ToMe-SD's bipartite soft matching written out in plain TypeScript (float64), with the dst of each 2x2 cell
 * taken from the same pattern as the graph: for one batch item x [N, C] the merged tokens [N - r, C] (kept src
 * in ranking order, then the dst means) and, for every position, the merged row it reads its output from.
 */
function referenceMatching(x: Float32Array, height: number, width: number, channels: number, ratio: number) {
  const tokens = height * width;
  const pattern = dstPattern();
  const dst: number[] = [];
  for (let cy = 0; cy < Math.floor(height / 2); cy++) {
    for (let cx = 0; cx < Math.floor(width / 2); cx++) {
      const choice = pattern[(cy % 16) * 16 + (cx % 16)];
      dst.push((2 * cy + (choice >> 1)) * width + 2 * cx + (choice & 1));
    }
  }
  const isDst = new Set(dst);
  const src = Array.from({ length: tokens }, (_, i) => i).filter((i) => !isDst.has(i));
  const row = (i: number) => Array.from(x.subarray(i * channels, (i + 1) * channels));
  const unit = (v: number[]) => {
    const length = Math.max(Math.hypot(...v), 1e-12);
    return v.map((e) => e / length);
  };
  const best = src.map((s) => {
    const a = unit(row(s));
    let top = { similarity: -Infinity, dst: 0 };
    dst.forEach((d, j) => {
      const b = unit(row(d));
      const similarity = a.reduce((sum, e, c) => sum + e * b[c], 0);
      if (similarity > top.similarity) top = { similarity, dst: j };
    });
    return top;
  });
  const r = Math.min(Math.floor(tokens * ratio), src.length);
  const ranked = src.map((_, i) => i).sort((i, j) => best[j].similarity - best[i].similarity || i - j);
  const kept = ranked.slice(r);
  const sums = dst.map(row);
  const counts = dst.map(() => 1);
  for (const i of ranked.slice(0, r)) {
    row(src[i]).forEach((e, c) => (sums[best[i].dst][c] += e));
    counts[best[i].dst]++;
  }
  const merged = [...kept.map((i) => row(src[i])), ...sums.map((sum, j) => sum.map((e) => e / counts[j]))];
  const rowOf = new Array<number>(tokens);
  kept.forEach((i, k) => (rowOf[src[i]] = k));
  dst.forEach((d, j) => (rowOf[d] = kept.length + j));
  for (const i of ranked.slice(0, r)) rowOf[src[i]] = kept.length + best[i].dst;
  return { merged, rowOf, r };
}

/** A graph of `tokenMatching` over x [B, H*W, C] for a [B, 1, H, W] grid: merged tokens, and `layer` applied through them. */
async function runMatching(x: Float32Array, dims: [number, number, number, number], ratio: number, layer?: (g: GraphBuilder, t: string) => string) {
  const [batch, height, width, channels] = dims;
  const g = new GraphBuilder();
  const tokens = g.input('x', 'float32', ['batch', 'tokens', channels]);
  const grid = g.input('grid', 'float32', ['batch', 1, 'height', 'width']);
  const matching = tokenMatching(g, tokens, grid, channels, ratio);
  const merged = matching.merge(tokens);
  g.output(merged, 'merged', 'float32');
  g.output(matching.unmerge(layer ? layer(g, merged) : merged), 'unmerged', 'float32');
  const out = await runModel(g.build('tome'), {
    x: { data: x, dims: [batch, height * width, channels] },
    grid: { data: new Float32Array(batch * height * width), dims: [batch, 1, height, width] },
  });
  return { merged: out.merged, unmerged: out.unmerged.data as Float32Array };
}

describe('token merging (ToMe-SD bipartite soft matching) as graph ops', () => {
  it.each([
    ['a 6x8 grid, ratio 0.5', [2, 6, 8, 8], 0.5],
    ['an odd 5x7 grid (a row and a column of src only), ratio 0.3', [2, 5, 7, 8], 0.3],
    ['a 34x20 grid (more cells than the dst pattern), ratio 0.5', [1, 34, 20, 6], 0.5],
    ['ratio 0.75: every src token merged', [2, 4, 6, 4], 0.75],
  ] as const)('%s: merges and unmerges like the plain TypeScript matching', async (_, dims, ratio) => {
    const [batch, height, width, channels] = dims;
    const tokens = height * width;
    const x = seededValues(batch * tokens * channels, tokens + channels);
    const { merged, unmerged } = await runMatching(x, [...dims], ratio);
    const mergedData = merged.data as Float32Array;
    const perItem = mergedData.length / batch;
    for (let b = 0; b < batch; b++) {
      const item = x.subarray(b * tokens * channels, (b + 1) * tokens * channels);
      const reference = referenceMatching(item, height, width, channels, ratio);
      expect(merged.dims).toEqual([batch, tokens - reference.r, channels]);
      const mergedItem = mergedData.subarray(b * perItem, (b + 1) * perItem);
      expect(maxAbsDiff(mergedItem, reference.merged.flat())).toBeLessThan(1e-6);
      const expected = reference.rowOf.flatMap((k) => reference.merged[k]);
      expect(maxAbsDiff(unmerged.subarray(b * tokens * channels, (b + 1) * tokens * channels), expected)).toBeLessThan(1e-6);
    }
  });

  it('merges fewer tokens than ratio * N only when there are fewer src tokens: r = min(floor(ratio * N), N src)', async () => {
    const x = seededValues(2 * 24 * 4, 9);
    expect((await runMatching(x, [2, 4, 6, 4], 0.25)).merged.dims).toEqual([2, 18, 4]);
    expect((await runMatching(x, [2, 4, 6, 4], 0.75)).merged.dims).toEqual([2, 6, 4]);
  });

  it('a ratio that merges nothing (r = 0) gives plain self-attention', async () => {
    const dims: [number, number, number, number] = [2, 6, 8, 16];
    const x = seededValues(2 * 48 * 16, 5);
    const selfAttention = (g: GraphBuilder, t: string) => attention(g, t, t, t, { heads: 2 });
    const { merged, unmerged } = await runMatching(x, dims, 0.01, selfAttention);
    expect(merged.dims).toEqual([2, 48, 16]);
    const g = new GraphBuilder();
    const t = g.input('x', 'float32', [2, 48, 16]);
    g.output(selfAttention(g, t), 'y', 'float32');
    const plain = (await runModel(g.build('plain'), { x: { data: x, dims: [2, 48, 16] } })).y.data as Float32Array;
    expect(maxAbsDiff(unmerged, plain)).toBeLessThan(1e-5);
  });
});

describe('token merging in the UNet (tiny random UNet, built here)', () => {
  const shapes = expectedTensors(TINY_SD15_CONFIG);
  const weights = (key: string) => {
    const shape = shapes.get(key) as number[];
    const count = shape.reduce((a, v) => a * v, 1);
    const seed = [...key].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 7);
    const values = seededValues(count, seed, shape.length >= 2 ? Math.sqrt(3 / (count / shape[0])) : 0.1);
    return shape.length < 2 && key.endsWith('.weight') ? values.map((v) => 1 + v) : values;
  };
  const build = (tokenMerge?: TokenMergeOptions) => buildUnet(TINY_SD15_CONFIG.unet, weights, { tokenMerge });
  const feeds = (height: number, width: number) => ({
    sample: { data: seededValues(2 * 4 * height * width, 3), dims: [2, 4, height, width] },
    timestep: { data: Float32Array.of(500, 20), dims: [2] },
    encoder_hidden_states: { data: seededValues(2 * 77 * 64, 4), dims: [2, 77, 64] },
  });
  const run = async (tokenMerge: TokenMergeOptions | undefined, height = 8, width = 8) =>
    (await runModel(build(tokenMerge), feeds(height, width))).out_sample.data as Float32Array;

  it('ratio 0 builds exactly the plain graph', () => {
    expect(build({ ratio: 0, mlp: true, maxDownsample: 2 }).graph.nodes).toEqual(build().graph.nodes);
  });

  it('a ratio that merges nothing (r = 0 of 64 tokens) gives the plain UNet\'s output, up to summation order', async () => {
    const plain = await run(undefined);
    expect(maxAbsDiff(await run({ ratio: 0.01, mlp: true, maxDownsample: 2 }), plain)).toBeLessThan(1e-5);
  });

  it('ratio 0.5 runs on a non-square latent, at one or two levels, before the MLP too, each changing the output', async () => {
    const [height, width] = [8, 16];
    const plain = await run(undefined, height, width);
    const outputs = [];
    for (const options of [{ ratio: 0.5 }, { ratio: 0.5, maxDownsample: 2 }, { ratio: 0.5, mlp: true }]) {
      const merged = await run(options, height, width);
      expect(merged.every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(merged, plain)).toBeGreaterThan(1e-4);
      outputs.push(merged);
    }
    expect(maxAbsDiff(outputs[0], outputs[1])).toBeGreaterThan(1e-5);
    expect(maxAbsDiff(outputs[0], outputs[2])).toBeGreaterThan(1e-5);
  });
});
