import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionPool, type InferenceTiming } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, type PluginDefinition, type RunEnvironment, type Workflow } from '../../runtime/index.ts';
import { decodePng } from '../../nodes/lib/png.ts';
import type { SavedImage } from '../../nodes/save-image.ts';
import { dataDirWithTinyModel } from '../models/adapters/lora-fixtures.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('UNetStep token_merge_ratio through the txt2img workflow on the tiny model', () => {
  const txt2img = JSON.parse(readFileSync(path.join(root, 'workflows/txt2img.json'), 'utf8')) as Workflow;
  const runs: InferenceTiming[] = [];
  const sessions = createSessionPool({ onInference: (timing) => runs.push(timing) });
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;

  beforeAll(async () => {
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 0 });
    const out = await mkdtemp(path.join(tmpdir(), 'lf-tome-'));
    env = { dataDir: dataDirWithTinyModel(), outputDir: out, inputDir: out, backend: 'cpu', workflow: null, sessions };
  });
  afterAll(async () => {
    await sessions.close();
    rmSync(env.dataDir, { recursive: true, force: true });
    rmSync(env.outputDir, { recursive: true, force: true });
  });

  /** The saved image's pixels and the UNet model files the run called. */
  async function generate(overrides: Record<string, unknown>) {
    runs.length = 0;
    const workflow = applyOverrides(txt2img, { 'model.model': 'tiny', 'schedule.steps': 4, 'unet.deep_cache_interval': 1, ...overrides });
    const result = await executor.run(workflow, { env: { ...env, workflow } });
    if (result.status !== 'finished') throw Object.assign(new Error(`run ${result.status}`), { result });
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    const pixels = Buffer.from(decodePng(await readFile(path.join(env.outputDir, saved.filename))).data);
    const unets = new Set(runs.map((run) => run.modelPath).filter((p) => !p.includes(`${path.sep}text_encoder${path.sep}`) && !p.includes(`${path.sep}vae_`)));
    return { pixels, unets: [...unets] };
  }

  it('ratio 0 runs the converted UNet itself and gives the image of a workflow without the input; 0.5 runs a merging variant, the same every time', async () => {
    const base = await generate({});
    expect(base.unets).toEqual([path.join(env.dataDir, 'models', 'tiny', 'unet', 'model.onnx')]);
    const off = await generate({ 'unet.token_merge_ratio': 0 });
    expect(off.pixels.equals(base.pixels)).toBe(true);
    expect(off.unets).toEqual(base.unets);

    const merged = await generate({ 'unet.token_merge_ratio': 0.5 });
    expect(merged.unets).toHaveLength(1);
    expect(merged.unets[0].startsWith(path.join(env.dataDir, 'cache', 'variants'))).toBe(true);
    expect(merged.pixels.equals(base.pixels)).toBe(false);
    expect((await generate({ 'unet.token_merge_ratio': 0.5 })).pixels.equals(merged.pixels)).toBe(true);
  }, 120_000);

  it('with DeepCache as well (interval 3) one variant does both: it differs from either option alone and is the same every time', async () => {
    const merged = await generate({ 'unet.token_merge_ratio': 0.5 });
    const cached = await generate({ 'unet.deep_cache_interval': 3 });
    const both = await generate({ 'unet.token_merge_ratio': 0.5, 'unet.deep_cache_interval': 3 });
    expect(both.unets).toHaveLength(1);
    expect(both.unets[0]).not.toBe(merged.unets[0]);
    expect(both.unets[0]).not.toBe(cached.unets[0]);
    expect(both.pixels.equals(merged.pixels)).toBe(false);
    expect(both.pixels.equals(cached.pixels)).toBe(false);
    expect((await generate({ 'unet.token_merge_ratio': 0.5, 'unet.deep_cache_interval': 3 })).pixels.equals(both.pixels)).toBe(true);
  }, 120_000);
});
