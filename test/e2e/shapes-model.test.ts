import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, type PluginDefinition, type RunEnvironment, type Workflow } from '../../runtime/index.ts';
import { decodePng } from '../../nodes/lib/png.ts';
import type { SavedImage } from '../../nodes/save-image.ts';
import { createRandom } from '../../training/seeded-random.ts';
import { centreColour, cornerColour } from '../support/shape-colours.ts';
import { CENTRED_PHRASINGS } from '../../training/shapes-captions.ts';
import { COLOUR_NAMES, SHAPES, type ColourName } from '../../training/shapes-vocabulary.ts';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'shapes-tiny';
const SAMPLERS = ['euler', 'dpmpp_2m', 'euler_ancestral', 'ddim'] as const;

interface Case {
  prompt: string;
  shape: ColourName;
  background: ColourName;
  seed: number;
  sampler: (typeof SAMPLERS)[number];
}

/** 50 fixed prompt/seed/sampler cases: one centred shape, medium or large, drawn from the dataset's vocabulary. */
function colourCases(): Case[] {
  const random = createRandom(20261126);
  return Array.from({ length: 50 }, (_, i) => {
    const background = random.pick(COLOUR_NAMES);
    const shape = random.pick(COLOUR_NAMES.filter((name) => name !== background));
    const words = `${random.chance(0.3) ? 'large ' : ''}${shape} ${random.pick(SHAPES)}`;
    const prompt = random.pick(CENTRED_PHRASINGS)(words, background);
    return { prompt, shape, background, seed: random.int(2 ** 32), sampler: SAMPLERS[i % SAMPLERS.length] };
  });
}

describe('the shipped shapes-tiny model draws what the prompt asks', () => {
  const txt2img = JSON.parse(readFileSync(path.join(root, 'workflows/txt2img.json'), 'utf8')) as Workflow;
  const img2img = JSON.parse(readFileSync(path.join(root, 'workflows/img2img.json'), 'utf8')) as Workflow;
  const sessions = createSessionPool();
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'data/models', MODEL, 'model_index.json'))) {
      throw new Error(`data/models/${MODEL} is missing: it is the committed trained model (see training/README.md)`);
    }
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 16 });
    const out = await mkdtemp(path.join(tmpdir(), 'lf-shapes-'));
    env = {
      dataDir: path.join(root, 'data'),
      outputDir: out,
      inputDir: path.join(out, 'input'),
      backend: 'cpu',
      workflow: null,
      sessions,
    };
    await mkdir(env.inputDir, { recursive: true });
  });

  afterAll(() => sessions.close());

  /** Runs a workflow with `--set`-style overrides in this process and decodes the saved PNG. */
  async function generate(workflow: Workflow, overrides: Record<string, unknown>) {
    const overridden = applyOverrides(workflow, { 'model.model': MODEL, ...overrides });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    const file = path.join(env.outputDir, saved.filename);
    return { file, image: decodePng(await readFile(file)) };
  }

  /** Each case drawn at 64x64 with `overrides`: what differs from the prompt's colours. */
  async function colourFailures(overrides: Record<string, unknown>): Promise<string[]> {
    const failures: string[] = [];
    for (const c of colourCases()) {
      const { image } = await generate(txt2img, {
        'positive.text': c.prompt, 'unet.seed': c.seed, 'schedule.sampler': c.sampler, 'latent.width': 64, 'latent.height': 64, ...overrides,
      });
      expect([image.width, image.height]).toEqual([64, 64]);
      const [centre, corners] = [centreColour(image), cornerColour(image)];
      if (centre !== c.shape || corners !== c.background) {
        failures.push(`"${c.prompt}" (seed ${c.seed}, ${c.sampler}): centre ${centre}, corners ${corners}`);
      }
    }
    process.stderr.write(`[shapes-tiny colour test] ${JSON.stringify(overrides)}: ${50 - failures.length}/50\n`);
    return failures;
  }

  it('with the shipped workflow (DeepCache at interval 3) it paints the asked shape colour in the centre and the asked background in the corners for at least 45 of 50 prompt/seed pairs', async () => {
    const failures = await colourFailures({});
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(5);
  }, 120_000);

  it('with every UNet call in full (DeepCache off) it paints the asked colours for at least 45 of 50', async () => {
    const failures = await colourFailures({ 'unet.deep_cache_interval': 1 });
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(5);
  }, 300_000);

  it('with token merging at ratio 0.5 alone (DeepCache off) it still paints the asked colours for at least 45 of 50', async () => {
    const failures = await colourFailures({ 'unet.token_merge_ratio': 0.5, 'unet.deep_cache_interval': 1 });
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(5);
  }, 300_000);

  it('with token merging at 0.5 on top of the shipped DeepCache it still paints the asked colours for at least 45 of 50', async () => {
    const failures = await colourFailures({ 'unet.token_merge_ratio': 0.5 });
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(5);
  }, 300_000);

  it('img2img with a different background colour in the prompt repaints the background and keeps the shape', async () => {
    const source = await generate(txt2img, { 'positive.text': 'a red circle on a blue background', 'unet.seed': 7 });
    expect(cornerColour(source.image)).toBe('blue');
    await copyFile(source.file, path.join(env.inputDir, 'source.png'));
    const { image } = await generate(img2img, {
      'image.image': 'source.png',
      'positive.text': 'a red circle on a yellow background',
      'schedule.denoise': 0.7,
      'unet.seed': 7,
    });
    expect(cornerColour(image)).toBe('yellow');
    expect(centreColour(image)).toBe('red');
  }, 30_000);
});
