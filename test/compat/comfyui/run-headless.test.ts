import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLatentflowWorkflow } from '../../../compat/comfyui/index.ts';
import { decodePng } from '../../../nodes/lib/png.ts';
import type { SavedImage } from '../../../nodes/save-image.ts';
import { createSessionPool } from '../../../runtime/backends/index.ts';
import { createExecutor, type RunEnvironment } from '../../../runtime/index.ts';
import { centreColour, cornerColour } from '../../support/shape-colours.ts';
import { builtinRegistry, fixture, REPO_DATA, testEnvironment } from './environment.ts';

describe('hand-written ComfyUI workflows run headless on shapes-tiny', () => {
  const sessions = createSessionPool();
  const executor = createExecutor({ registry: builtinRegistry(), cacheSize: 0 });
  let env: RunEnvironment;

  beforeAll(async () => {
    const outputDir = await mkdtemp(path.join(tmpdir(), 'lf-comfy-headless-'));
    env = { dataDir: REPO_DATA, outputDir, inputDir: path.join(outputDir, 'input'), backend: 'cpu', workflow: null, sessions };
    await mkdir(env.inputDir, { recursive: true });
  });
  afterAll(() => sessions.close());

  async function run(document: unknown) {
    const { workflow } = toLatentflowWorkflow(document, testEnvironment());
    const result = await executor.run(workflow, { env: { ...env, workflow } });
    if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
    const saved = Object.values(result.outputs).flatMap((output) => (output as { images?: SavedImage[] }).images ?? []);
    return decodePng(await readFile(path.join(env.outputDir, saved[0].filename)));
  }

  it('the API txt2img prompt draws a red circle on blue, and the same seed twice gives identical bytes', async () => {
    const first = await run(fixture('txt2img-api.json'));
    expect([centreColour(first), cornerColour(first)]).toEqual(['red', 'blue']);
    const second = await run(fixture('txt2img-api.json'));
    expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
  }, 60_000);

  it('the UI workflow (reroute, primitive seed, bypassed and muted nodes, KSamplerAdvanced split at step 10) equals the unsplit run', async () => {
    const split = await run(fixture('split-sampler-ui.json'));
    const unsplit = await run(fixture('txt2img-api.json'));
    expect(Buffer.from(split.data).equals(Buffer.from(unsplit.data))).toBe(true);
  }, 60_000);

  it('the API img2img prompt (LoadImage, VAEEncode, KSampler denoise 0.6, karras, PrimitiveInt seed) runs', async () => {
    const image = await run(fixture('img2img-api.json'));
    expect([image.width, image.height]).toEqual([64, 64]);
  }, 60_000);

  it('ConditioningSetArea + ConditioningCombine compose a 128x64 image of two scenes, each area drawing its own prompt (same at two seeds)', async () => {
    const prompt = fixture('txt2img-api.json');
    prompt['5'].inputs.width = 128;
    prompt['10'] = { class_type: 'CLIPTextEncode', inputs: { text: 'a yellow square on a green background', clip: ['4', 1] } };
    prompt['11'] = { class_type: 'ConditioningSetArea', inputs: { conditioning: ['6', 0], width: 64, height: 64, x: 0, y: 0, strength: 1 } };
    prompt['12'] = { class_type: 'ConditioningSetArea', inputs: { conditioning: ['10', 0], width: 64, height: 64, x: 64, y: 0, strength: 1 } };
    prompt['13'] = { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['11', 0], conditioning_2: ['12', 0] } };
    prompt['3'].inputs.positive = ['13', 0];
    prompt['14'] = { class_type: 'ConditioningSetArea', inputs: { conditioning: ['7', 0], width: 64, height: 64, x: 0, y: 0, strength: 1 } };
    prompt['15'] = { class_type: 'ConditioningSetArea', inputs: { conditioning: ['7', 0], width: 64, height: 64, x: 64, y: 0, strength: 1 } };
    prompt['16'] = { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['14', 0], conditioning_2: ['15', 0] } };
    // The negative set to the same two areas too: each half is then a 64x64 generation, the size shapes-tiny draws.
    prompt['3'].inputs.negative = ['16', 0];
    for (const seed of [7, 3]) {
      prompt['3'].inputs.seed = seed;
      const image = await run(prompt);
      expect([image.width, image.height]).toEqual([128, 64]);
      const half = (x0: number) => ({ width: 64, data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => image.data[(Math.floor(i / 192) * 128 + x0) * 3 + (i % 192)]) });
      expect([centreColour(half(0)), cornerColour(half(0)), centreColour(half(64)), cornerColour(half(64))]).toEqual(['red', 'blue', 'yellow', 'green']);
    }
  }, 60_000);

  it('ConditioningZeroOut as the negative runs and changes the image', async () => {
    const prompt = fixture('txt2img-api.json');
    prompt['10'] = { class_type: 'ConditioningZeroOut', inputs: { conditioning: ['7', 0] } };
    prompt['3'].inputs.negative = ['10', 0];
    const [zeroed, plain] = [await run(prompt), await run(fixture('txt2img-api.json'))];
    expect(Buffer.from(zeroed.data).equals(Buffer.from(plain.data))).toBe(false);
  }, 60_000);
});
