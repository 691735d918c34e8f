import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
import { COLOUR_NAMES, SHAPES } from '../../training/shapes-vocabulary.ts';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'shapes-tiny';
const SAMPLERS = ['euler', 'dpmpp_2m', 'euler_ancestral', 'ddim'] as const;
const RATIO = 0.5;

/** The 50 cases of shapes-model.test.ts (same seed, same draws). */
function colourCases() {
  const random = createRandom(20261126);
  return Array.from({ length: 50 }, (_, i) => {
    const background = random.pick(COLOUR_NAMES);
    const shape = random.pick(COLOUR_NAMES.filter((name) => name !== background));
    const words = `${random.chance(0.3) ? 'large ' : ''}${shape} ${random.pick(SHAPES)}`;
    const prompt = random.pick(CENTRED_PHRASINGS)(words, background);
    return { prompt, shape, background, seed: random.int(2 ** 32), sampler: SAMPLERS[i % SAMPLERS.length] };
  });
}

describe(`the shapes-tiny model with token merging (ratio ${RATIO}) still draws what the prompt asks`, () => {
  const txt2img = JSON.parse(readFileSync(path.join(root, 'workflows/txt2img.json'), 'utf8')) as Workflow;
  const sessions = createSessionPool();
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'data/models', MODEL, 'model_index.json'))) throw new Error(`data/models/${MODEL} is missing`);
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 16 });
    const out = await mkdtemp(path.join(tmpdir(), 'lf-shapes-tome-'));
    env = { dataDir: path.join(root, 'data'), outputDir: out, inputDir: out, backend: 'cpu', workflow: null, sessions };
  });
  afterAll(async () => {
    await sessions.close();
    await rm(env.outputDir, { recursive: true, force: true });
  });

  it('paints the asked shape colour in the centre and the asked background in the corners for at least 45 of 50 prompt/seed pairs', async () => {
    const failures: string[] = [];
    for (const c of colourCases()) {
      const workflow = applyOverrides(txt2img, {
        'model.model': MODEL, 'positive.text': c.prompt, 'unet.seed': c.seed, 'schedule.sampler': c.sampler,
        'latent.width': 64, 'latent.height': 64, 'unet.token_merge_ratio': RATIO,
      });
      const result = await executor.run(workflow, { env: { ...env, workflow } });
      if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
      const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
      const image = decodePng(await readFile(path.join(env.outputDir, saved.filename)));
      const [centre, corners] = [centreColour(image), cornerColour(image)];
      if (centre !== c.shape || corners !== c.background) failures.push(`"${c.prompt}" (seed ${c.seed}, ${c.sampler}): centre ${centre}, corners ${corners}`);
    }
    process.stderr.write(`[shapes-tome] ratio ${RATIO}: ${50 - failures.length}/50 right\n${failures.join('\n')}\n`);
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(5);
  }, 180_000);
});
