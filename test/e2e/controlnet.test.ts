import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, type PluginDefinition, type RunEnvironment, type Workflow } from '../../runtime/index.ts';
import { decodePng, encodePng } from '../../nodes/lib/png.ts';
import type { SavedImage } from '../../nodes/save-image.ts';
import { createRandom } from '../../training/seeded-random.ts';
import { CENTRED_PHRASINGS } from '../../training/shapes-captions.ts';
import { COLOUR_NAMES, type ColourName } from '../../training/shapes-vocabulary.ts';
import { placement } from '../support/shape-colours.ts';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'shapes-tiny';
const CONTROLNET = 'data/controlnet/shapes-tiny-canny.safetensors';
const workflow = (name: string) => JSON.parse(readFileSync(path.join(root, 'workflows', `${name}.json`), 'utf8')) as Workflow;

interface Case {
  prompt: string;
  colour: ColourName;
  seed: number;
}

/**
 * 20 fixed prompt/seed pairs: a circle of some colour on some background, no position word (the prompts shapes-tiny
 * draws centred). The shipped control image, workflows/assets/shape-left.png, has a circle on the left.
 */
function cases(): Case[] {
  const random = createRandom(20261202);
  const phrasings = CENTRED_PHRASINGS.slice(0, 5);
  return Array.from({ length: 20 }, () => {
    const background = random.pick(COLOUR_NAMES);
    const colour = random.pick(COLOUR_NAMES.filter((name) => name !== background));
    return { prompt: random.pick(phrasings)(`${colour} circle`, background), colour, seed: random.int(2 ** 32) };
  });
}

describe('the shipped shapes-tiny ControlNet places the shape where the control image has it', { timeout: 600_000 }, () => {
  const sessions = createSessionPool();
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;

  beforeAll(async () => {
    for (const file of [path.join('data/models', MODEL, 'model_index.json'), CONTROLNET]) {
      if (!existsSync(path.join(root, file))) throw new Error(`${file} is missing: it is committed (see training/README.md)`);
    }
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 16 });
    const out = await mkdtemp(path.join(tmpdir(), 'lf-controlnet-'));
    env = { dataDir: path.join(root, 'data'), outputDir: out, inputDir: path.join(out, 'input'), backend: 'cpu', workflow: null, sessions };
    await mkdir(env.inputDir, { recursive: true });
  });

  afterAll(() => sessions.close());

  async function generate(name: string, overrides: Record<string, unknown>) {
    const overridden = applyOverrides(workflow(name), { 'model.model': MODEL, ...overrides });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    return decodePng(await readFile(path.join(env.outputDir, saved.filename)));
  }

  it('draws the circle on the left for at least 16 of 20 prompt/seed pairs with the control image, clearly fewer without', async () => {
    const withControl: string[] = [];
    const without: string[] = [];
    for (const c of cases()) {
      const overrides = { 'positive.text': c.prompt, 'unet.seed': c.seed };
      const controlled = await generate('controlnet', overrides);
      if (placement(controlled, c.colour) === 'left') withControl.push(c.prompt);
      const plain = await generate('txt2img', overrides);
      if (placement(plain, c.colour) === 'left') without.push(c.prompt);
    }
    expect(withControl.length, `on the left with the ControlNet: ${withControl.length}/20`).toBeGreaterThanOrEqual(16);
    expect(without.length, `on the left without: ${without.join('; ')}`).toBeLessThanOrEqual(withControl.length - 10);
  });

  it('draws it on the right with the control image mirrored', async () => {
    const left = decodePng(readFileSync(path.join(root, 'workflows/assets/shape-left.png')));
    const mirrored = new Uint8Array(left.data.length);
    for (let y = 0; y < left.height; y++) {
      for (let x = 0; x < left.width; x++) {
        const from = (y * left.width + x) * left.channels;
        mirrored.set(left.data.subarray(from, from + left.channels), (y * left.width + left.width - 1 - x) * left.channels);
      }
    }
    await writeFile(path.join(env.inputDir, 'shape-right.png'), encodePng({ ...left, data: mirrored }));
    const placed: Array<string | undefined> = [];
    for (const c of cases().slice(0, 5)) {
      const image = await generate('controlnet', { 'positive.text': c.prompt, 'unet.seed': c.seed, 'control_image.image': 'shape-right.png' });
      placed.push(placement(image, c.colour));
    }
    expect(placed.filter((place) => place === 'right').length, placed.join(', ')).toBeGreaterThanOrEqual(4);
  });

  it('gives the txt2img image byte for byte at strength 0', async () => {
    for (const seed of [3, 4]) {
      const overrides = { 'unet.seed': seed };
      const plain = await generate('txt2img', { ...overrides, 'unet.deep_cache_interval': 1 }); // controlnet.json samples without DeepCache
      const zero = await generate('controlnet', { ...overrides, 'apply.strength': 0 });
      expect(Buffer.from(zero.data).equals(Buffer.from(plain.data)), `seed ${seed}`).toBe(true);
      const full = await generate('controlnet', overrides);
      expect(Buffer.from(full.data).equals(Buffer.from(plain.data)), `seed ${seed}`).toBe(false);
    }
  });
});
