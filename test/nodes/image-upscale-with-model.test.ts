import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionPool } from '../../runtime/backends/index.ts';
import imageUpscaleWithModel from '../../nodes/image-upscale-with-model.ts';
import upscaleModelLoader from '../../nodes/upscale-model-loader.ts';
import type { ImageBatch } from '../../nodes/lib/sd-types.ts';
import { seededImage, TINY_RRDBNET_X2, TINY_RRDBNET_X4, writeTinyUpscaleModel } from '../fixtures/tiny-upscale-model.ts';
import { fakeContext } from './fake-context.ts';

const sessions = createSessionPool();
afterAll(() => sessions.close());

async function loaded(config = TINY_RRDBNET_X4) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lf-upscale-'));
  await mkdir(path.join(dataDir, 'upscale_models'));
  writeTinyUpscaleModel(path.join(dataDir, 'upscale_models', 'tiny.pth'), config, { wrapperKey: 'params_ema' });
  const ctx = await fakeContext({ env: { dataDir, sessions } });
  const { upscale_model } = await upscaleModelLoader.execute({ model_name: 'tiny.pth' }, ctx);
  return { upscale_model, dataDir };
}

function rgbImage(width: number, height: number, seed: number): ImageBatch {
  const planes = seededImage(width, height, seed);
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round(planes[c * width * height + p] * 255);
  return { width, height, batch: 1, data };
}

describe('UpscaleModelLoader', () => {
  it('refuses a name that is not a model file in data/upscale_models/, listing the ones there', async () => {
    const { dataDir } = await loaded();
    const ctx = await fakeContext({ env: { dataDir, sessions } });
    await expect(upscaleModelLoader.execute({ model_name: '../tiny.pth' }, ctx)).rejects.toMatchObject({
      code: 'upscale_model_not_found', message: expect.stringContaining('Available: tiny.pth'),
    });
  });
});

describe('ImageUpscaleWithModel', () => {
  it('gives the same image in tiles as in one piece, within 2 levels of 255 at the seams', async () => {
    const { upscale_model, dataDir } = await loaded();
    const image = rgbImage(48, 40, 5);
    const ctx = await fakeContext({ env: { dataDir, sessions } });
    const whole = await imageUpscaleWithModel.execute({ image, upscale_model, tile_size: 48, overlap: 0 }, ctx);
    const tiled = await imageUpscaleWithModel.execute({ image, upscale_model, tile_size: 24, overlap: 12 }, ctx);
    expect([tiled.image.width, tiled.image.height]).toEqual([192, 160]);
    let worst = 0;
    let total = 0;
    whole.image.data.forEach((v, i) => {
      const d = Math.abs(v - tiled.image.data[i]);
      worst = Math.max(worst, d);
      total += d;
    });
    expect(total / whole.image.data.length).toBeLessThan(0.5);
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('pads odd sizes for a pixel-unshuffle (x2) model and crops the result to exactly twice the size', async () => {
    const { upscale_model, dataDir } = await loaded(TINY_RRDBNET_X2);
    expect(upscale_model.scale).toBe(2);
    const ctx = await fakeContext({ env: { dataDir, sessions } });
    const { image } = await imageUpscaleWithModel.execute({ image: rgbImage(21, 13, 2), upscale_model, tile_size: 16, overlap: 4 }, ctx);
    expect([image.width, image.height, image.data.length]).toEqual([42, 26, 42 * 26 * 3]);
  });

  it('reports progress once per tile, over the whole batch', async () => {
    const { upscale_model, dataDir } = await loaded();
    const ctx = await fakeContext({ env: { dataDir, sessions } });
    const one = rgbImage(40, 40, 1);
    const image = { ...one, batch: 2, data: new Uint8Array([...one.data, ...one.data]) };
    await imageUpscaleWithModel.execute({ image, upscale_model, tile_size: 24, overlap: 8 }, ctx);
    expect(ctx.progressCalls).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, 8]));
  });

  it('stops at the next tile when the run is cancelled', async () => {
    const { upscale_model, dataDir } = await loaded();
    const controller = new AbortController();
    const ctx = await fakeContext({ env: { dataDir, sessions }, signal: controller.signal });
    ctx.progress = (value, max) => {
      ctx.progressCalls.push([value, max]);
      if (value === 1) controller.abort();
    };
    await expect(imageUpscaleWithModel.execute({ image: rgbImage(40, 40, 1), upscale_model, tile_size: 24, overlap: 8 }, ctx)).rejects.toThrow();
    expect(ctx.progressCalls).toEqual([[1, 4]]);
  });
});

describe('workflows/upscale.json on the shipped passthrough model', () => {
  it('runs headless through the real pipeline and doubles example.png keeping its colours', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'lf-upscale-data-'));
    await mkdir(path.join(dataDir, 'upscale_models'));
    const shipped = 'tiny-rrdbnet-x2-passthrough.safetensors';
    await copyFile(path.join(root, 'data/upscale_models', shipped), path.join(dataDir, 'upscale_models', shipped));
    const { createExecutor, createRegistry } = await import('../../runtime/index.ts');
    const { readFileSync } = await import('node:fs');
    const { decodePng } = await import('../../nodes/lib/png.ts');
    const registry = createRegistry();
    registry.register((await import('../../nodes/index.ts')).default);
    const workflow = JSON.parse(readFileSync(path.join(root, 'workflows/upscale.json'), 'utf8'));
    const outputDir = await mkdtemp(path.join(tmpdir(), 'lf-upscale-out-'));
    const result = await createExecutor({ registry }).run(workflow, {
      env: { dataDir, outputDir, inputDir: path.join(outputDir, 'input'), backend: 'cpu', workflow, sessions },
    });
    if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
    const [saved] = (result.outputs.save as { images: { filename: string }[] }).images;
    const out = decodePng(readFileSync(path.join(outputDir, saved.filename)));
    const input = decodePng(readFileSync(path.join(root, 'workflows/assets/example.png')));
    expect([out.width, out.height]).toEqual([input.width * 2, input.height * 2]);
    const mean = (png: { data: Uint8Array; channels: number }, c: number) => {
      let sum = 0;
      for (let i = c; i < png.data.length; i += png.channels) sum += png.data[i];
      return sum / (png.data.length / png.channels);
    };
    for (let c = 0; c < 3; c++) expect(Math.abs(mean(out, c) - mean(input, c))).toBeLessThan(2);
  });
});
