import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint, DEFAULT_CALIBRATION, existingConversion } from '../../models/convert/index.ts';
import { writeSafetensors } from '../../models/checkpoint/index.ts';
import { readOnnxInitializers } from '../../models/model-folder/onnx-initializers.ts';
import { expectedTensors, StoredWeights, type SD15Config } from '../../models/sd15/index.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, type PluginDefinition, type RunEnvironment, type Workflow } from '../../runtime/index.ts';
import { decodePng } from '../../nodes/lib/png.ts';
import type { SavedImage } from '../../nodes/save-image.ts';
import { createRandom } from '../../training/seeded-random.ts';
import { CENTRED_PHRASINGS } from '../../training/shapes-captions.ts';
import { NEW_COLOUR, PALETTE } from '../../training/concept-dataset.ts';
import { COLOUR_NAMES, SHAPES } from '../../training/shapes-vocabulary.ts';
import { withLoras } from './lora-workflow.ts';

const root = path.resolve(import.meta.dirname, '../..');
const LORA = 'shapes-tiny-pink';
const EMBEDDING = 'shapes-pink';
const CASES = 20;

/** Fixed prompts asking for one centred pink shape on a background of a known colour, with seeds. */
function pinkCases(word: string) {
  const random = createRandom(20261202);
  return Array.from({ length: CASES }, () => {
    const background = random.pick(COLOUR_NAMES.filter((c) => c !== 'white' && c !== 'purple' && c !== 'red'));
    const prompt = random.pick(CENTRED_PHRASINGS)(`${word} ${random.pick(SHAPES)}`, background);
    return { prompt, seed: random.int(2 ** 32) };
  });
}

/** The palette colour (the 8 known ones and pink) nearest to the mean of the 12x12 centre. */
function centreColour(image: { width: number; data: Uint8Array }): string {
  const sum = [0, 0, 0];
  for (let y = 26; y < 38; y++) for (let x = 26; x < 38; x++) for (let c = 0; c < 3; c++) sum[c] += image.data[(y * image.width + x) * 3 + c];
  const mean = sum.map((v) => v / 144);
  let best = '';
  let bestDistance = Infinity;
  for (const [name, rgb] of Object.entries(PALETTE)) {
    const distance = rgb.reduce((n, v, c) => n + (v - mean[c]) ** 2, 0);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

describe('shapes-tiny learns "pink" from the shipped LoRA and embedding', () => {
  const txt2img = JSON.parse(readFileSync(path.join(root, 'workflows/txt2img.json'), 'utf8')) as Workflow;
  const sessions = createSessionPool();
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;

  beforeAll(async () => {
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 16 });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lf-concepts-'));
    for (const folder of ['models/shapes-tiny', 'loras', 'embeddings']) cpSync(path.join(root, 'data', folder), path.join(dataDir, folder), { recursive: true });
    env = { dataDir, outputDir: path.join(dataDir, 'out'), inputDir: path.join(dataDir, 'in'), backend: 'cpu', workflow: null, sessions };
    await mkdir(env.inputDir, { recursive: true });
  });

  afterAll(() => sessions.close());

  async function generate(workflow: Workflow, prompt: string, seed: number, model = 'shapes-tiny') {
    const overridden = applyOverrides(workflow, { 'model.model': model, 'positive.text': prompt, 'unet.seed': seed });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    return decodePng(await readFile(path.join(env.outputDir, saved.filename)));
  }

  async function pinkShare(workflow: Workflow, word: string, model?: string) {
    const colours: string[] = [];
    for (const c of pinkCases(word)) colours.push(centreColour(await generate(workflow, c.prompt, c.seed, model)));
    const share = colours.filter((c) => c === NEW_COLOUR).length / CASES;
    return { share, colours };
  }

  it('up-weighting a colour word moves the image toward that colour (ComfyUI and A1111 rules)', async () => {
    const red = PALETTE.red;
    const distanceToRed = (image: { data: Uint8Array }) => {
      let sum = 0;
      for (let i = 0; i < image.data.length; i += 3) sum += Math.hypot(image.data[i] - red[0], image.data[i + 1] - red[1], image.data[i + 2] - red[2]);
      return sum / (image.data.length / 3);
    };
    const mean = async (prompt: string, weighting: string) => {
      let total = 0;
      for (let seed = 1; seed <= 6; seed++) total += distanceToRed(await generate(applyOverrides(txt2img, { 'encode_positive.weighting': weighting }), prompt, seed));
      return total / 6;
    };
    for (const weighting of ['comfyui', 'a1111']) {
      const plain = await mean('a red circle on a white background', weighting);
      const weighted = await mean('a (red:1.6) circle on a white background', weighting);
      expect(weighted, weighting).toBeLessThan(plain);
    }
  }, 120_000);

  it('without an adapter, a pink shape is drawn in at most 10% of the images', async () => {
    const { share, colours } = await pinkShare(txt2img, 'pink');
    expect(share, colours.join(' ')).toBeLessThanOrEqual(0.1);
  }, 120_000);

  it('with the LoRA at strength 1, at least 80% are pink', async () => {
    const { share, colours } = await pinkShare(withLoras(txt2img, [{ name: LORA, strengthModel: 1, strengthClip: 1 }]), 'pink');
    expect(share, colours.join(' ')).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  it('with the LoRA at strength 1 on an int8-static conversion of the model, at least 80% are pink', async () => {
    // The shipped folder's weights as a checkpoint (what training/extract-checkpoint.ts writes), converted again.
    const shipped = path.join(env.dataDir, 'models/shapes-tiny');
    const networks = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'].map((network) => new StoredWeights(readOnnxInitializers(path.join(shipped, network, 'model.onnx')).values()));
    const checkpoint = path.join(env.dataDir, 'shapes-tiny.safetensors');
    writeSafetensors(checkpoint, [...expectedTensors(existingConversion(shipped)?.config as SD15Config)].map(([name, shape]) => ({
      name, shape, values: () => (networks.find((weights) => weights.has(name)) as StoredWeights).read(name, shape),
    })));
    await convertCheckpoint(checkpoint, path.join(env.dataDir, 'models/shapes-tiny-static'), { unetWeights: 'int8-static', calibration: { ...DEFAULT_CALIBRATION, latentSide: 8 } });
    const { share, colours } = await pinkShare(withLoras(txt2img, [{ name: LORA, strengthModel: 1, strengthClip: 1 }]), 'pink', 'shapes-tiny-static');
    expect(share, colours.join(' ')).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  it('with the LoRA at strength 0, every image is the base image byte for byte', async () => {
    for (const c of pinkCases('pink').slice(0, 4)) {
      const base = await generate(txt2img, c.prompt, c.seed);
      const zero = await generate(withLoras(txt2img, [{ name: LORA, strengthModel: 0, strengthClip: 0 }]), c.prompt, c.seed);
      expect(Buffer.from(zero.data).equals(Buffer.from(base.data))).toBe(true);
    }
  }, 120_000);

  it('with the embedding (embedding:shapes-pink in place of the word), at least 80% are pink', async () => {
    const { share, colours } = await pinkShare(txt2img, `embedding:${EMBEDDING}`);
    expect(share, colours.join(' ')).toBeGreaterThanOrEqual(0.8);
  }, 120_000);
});
