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
});
