import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, type PluginDefinition, type RunEnvironment, type Workflow } from '../../runtime/index.ts';
import { decodePng } from '../../nodes/lib/png.ts';
import type { Pixels } from '../../nodes/lib/png.ts';
import type { SavedImage } from '../../nodes/save-image.ts';
import { COLOURS, nearestColour, type Rgb } from '../../training/shapes-vocabulary.ts';
import { meanDifference } from '../support/pixel-difference.ts';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'shapes-tiny';
const workflow = (name: string) => JSON.parse(readFileSync(path.join(root, 'workflows', `${name}.json`), 'utf8')) as Workflow;

type Box = [x0: number, y0: number, x1: number, y1: number];

function meanColour(image: Pixels, inside: (x: number, y: number) => boolean): Rgb {
  const sum = [0, 0, 0];
  let count = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!inside(x, y)) continue;
      for (let c = 0; c < 3; c++) sum[c] += image.data[(y * image.width + x) * image.channels + c];
      count++;
    }
  }
  return [sum[0] / count, sum[1] / count, sum[2] / count];
}

/** Each 2x2 block averaged. */
function downscale2x(image: Pixels): Pixels {
  const [width, height] = [image.width / 2, image.height / 2];
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) sum += image.data[((2 * y + dy) * image.width + 2 * x + dx) * image.channels + c];
        data[(y * width + x) * 3 + c] = Math.round(sum / 4);
      }
    }
  }
  return { width, height, channels: 3, data };
}

/** The share of pixels whose nearest named colour is the same in both images. */
function sameColourShare(a: Pixels, b: Pixels): number {
  const at = (image: Pixels, p: number): Rgb => [0, 1, 2].map((c) => image.data[p * image.channels + c]) as unknown as Rgb;
  let same = 0;
  for (let p = 0; p < a.width * a.height; p++) if (nearestColour(at(a, p)) === nearestColour(at(b, p))) same++;
  return same / (a.width * a.height);
}

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const inBox = ([x0, y0, x1, y1]: Box) => (x: number, y: number) => x >= x0 && x < x1 && y >= y0 && y < y1;
/** Outside the box grown by `margin` pixels. */
const outside = ([x0, y0, x1, y1]: Box, margin: number) => (x: number, y: number) => !inBox([x0 - margin, y0 - margin, x1 + margin, y1 + margin])(x, y);

describe('editing on the shipped shapes-tiny model, through the shipped workflows', () => {
  const sessions = createSessionPool();
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;
  let example: Pixels;

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'data/models', MODEL, 'model_index.json'))) throw new Error(`data/models/${MODEL} is missing`);
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 16 });
    const out = await mkdtemp(path.join(tmpdir(), 'lf-editing-'));
    env = { dataDir: path.join(root, 'data'), outputDir: out, inputDir: path.join(out, 'input'), backend: 'cpu', workflow: null, sessions };
    await mkdir(env.inputDir, { recursive: true });
    example = decodePng(await readFile(path.join(root, 'workflows/assets/example.png')));
  });

  afterAll(() => sessions.close());

  async function generate(name: string, overrides: Record<string, unknown>): Promise<Pixels> {
    const overridden = applyOverrides(workflow(name), { 'model.model': MODEL, ...overrides });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    return decodePng(await readFile(path.join(env.outputDir, saved.filename)));
  }

  /** The input image as the VAE gives it back (encode, decode): what a kept region can at best look like. */
  async function roundTrip(image: string): Promise<Pixels> {
    const vae = { from: 'model', output: 'vae' };
    const nodes = {
      model: { type: 'LoadModel', inputs: { model: MODEL } },
      image: { type: 'LoadImage', inputs: { image } },
      encode: { type: 'VAEEncode', inputs: { vae, image: { from: 'image', output: 'image' } } },
      decode: { type: 'VAEDecode', inputs: { vae, latent: { from: 'encode', output: 'latent' } } },
      save: { type: 'SaveImage', inputs: { image: { from: 'decode', output: 'image' }, filename_prefix: 'roundtrip' } },
    };
    const result = await executor.run({ version: 1, nodes }, { env });
    if (result.status !== 'finished') throw new Error(`round trip ${result.status}: ${JSON.stringify(result)}`);
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    return decodePng(await readFile(path.join(env.outputDir, saved.filename)));
  }

  const SEEDS = [1, 2, 3, 4, 5];
  /** workflows/assets/example-mask.png is white over [14, 50) x [14, 50); example.png has a red circle of radius 14 in the centre. */
  const MASK: Box = [14, 14, 50, 50];
  const CENTRE: Box = [26, 26, 38, 38];

  it('inpainting the masked circle with "a yellow circle" turns it yellow and keeps the rest of the image', async () => {
    const kept = await roundTrip('example.png');
    const before = distance(meanColour(example, inBox(MASK)), COLOURS.yellow);
    for (const seed of SEEDS) {
      const image = await generate('inpaint', { 'unet.seed': seed });
      expect(nearestColour(meanColour(image, inBox(CENTRE))), `seed ${seed}`).toBe('yellow');
      expect(distance(meanColour(image, inBox(MASK)), COLOURS.yellow), `seed ${seed}`).toBeLessThan(before - 25);
      // The kept latent is exact; the decoder's normalisation sees the new centre, so pixels move a little (0..255 scale).
      expect(meanDifference(image, kept, outside(MASK, 4)), `seed ${seed}`).toBeLessThan(3);
      expect(nearestColour(meanColour(image, outside(MASK, 4))), `seed ${seed}`).toBe('blue');
    }
  }, 120_000);

  it('outpainting 32 pixels to the right continues the blue background', async () => {
    const kept = await roundTrip('example.png');
    for (const seed of SEEDS) {
      const image = await generate('outpaint', { 'unet.seed': seed });
      expect([image.width, image.height]).toEqual([96, 64]);
      // the new strip's top and bottom (where the background is; the model may put a second shape in its middle)
      const added = meanColour(image, (x, y) => x >= 72 && (y < 12 || y >= 52));
      expect(nearestColour(added), `seed ${seed}`).toBe('blue');
      expect(distance(added, COLOURS.blue), `seed ${seed}`).toBeLessThan(30);
      expect(meanDifference(image, kept, (x) => x < 40), `seed ${seed}`).toBeLessThan(3);
    }
  }, 120_000);

  it('hires fix gives a 128x128 image whose 64x64 downscale keeps the first pass\'s composition', async () => {
    const prompts = [
      'a red circle on a blue background', 'a large green square on a white background',
      'a yellow triangle on a purple background', 'a small orange circle on a black background',
    ];
    const firsts: Pixels[] = [];
    for (const [i, text] of prompts.entries()) {
      const overrides = { 'unet.seed': i + 1, 'positive.text': text };
      const first = await generate('txt2img', overrides);
      const hires = await generate('hires-fix', overrides);
      expect([hires.width, hires.height]).toEqual([128, 128]);
      const small = downscale2x(hires);
      // pixel by pixel, the nearest named colour stays the first pass's almost everywhere
      expect(sameColourShare(small, first), `"${text}" seed ${i + 1}`).toBeGreaterThan(0.9);
      firsts.push(first);
      // ...which another prompt's image does not come close to
      if (i > 0) expect(sameColourShare(small, firsts[i - 1])).toBeLessThan(0.5);
    }
  }, 180_000);

});
