import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, type Logger, type PluginDefinition, type RunEnvironment, type Workflow } from '../../runtime/index.ts';
import { decodePng } from '../../nodes/lib/png.ts';
import type { SavedImage } from '../../nodes/save-image.ts';
import { dataDirWithTinyModel, spec, writeLora } from '../models/adapters/lora-fixtures.ts';
import { withLoras } from './lora-workflow.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('LoRAs and embeddings through the real pipeline on the tiny model', () => {
  const txt2img = JSON.parse(readFileSync(path.join(root, 'workflows/txt2img.json'), 'utf8')) as Workflow;
  const sessions = createSessionPool();
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} };
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;

  beforeAll(async () => {
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 16, log });
    const dataDir = dataDirWithTinyModel();
    writeLora(path.join(dataDir, 'loras', 'strong.safetensors'), [
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_v.lora_down.weight', [4, 64], 1, 1),
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_v.lora_up.weight', [32, 4], 2, 1),
      spec('lora_te_text_model_encoder_layers_1_mlp_fc2.lora_down.weight', [4, 256], 3, 1),
      spec('lora_te_text_model_encoder_layers_1_mlp_fc2.lora_up.weight', [64, 4], 4, 1),
      spec('lora_unet_not_a_layer.lora_down.weight', [4, 64], 5),
      spec('lora_unet_not_a_layer.lora_up.weight', [32, 4], 6),
    ]);
    writeLora(path.join(dataDir, 'embeddings', 'bright.safetensors'), [spec('emb_params', [2, 64], 7, 2)]);
    const out = await mkdtemp(path.join(tmpdir(), 'lf-lora-e2e-'));
    env = { dataDir, outputDir: out, inputDir: path.join(out, 'input'), backend: 'cpu', workflow: null, sessions };
    await mkdir(env.inputDir, { recursive: true });
  });

  afterAll(() => sessions.close());

  async function pixels(workflow: Workflow, overrides: Record<string, unknown> = {}) {
    const overridden = applyOverrides(workflow, { 'model.model': 'tiny', 'positive.text': 'a red circle', ...overrides });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    if (result.status !== 'finished') throw Object.assign(new Error(`run ${result.status}`), { result });
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    return Buffer.from(decodePng(await readFile(path.join(env.outputDir, saved.filename))).data);
  }

  it('strength 0 gives the base image byte for byte; strength 1 changes it; two LoRAs stack', async () => {
    const base = await pixels(txt2img);
    expect((await pixels(withLoras(txt2img, [{ name: 'strong', strengthModel: 0, strengthClip: 0 }]))).equals(base)).toBe(true);
    const once = await pixels(withLoras(txt2img, [{ name: 'strong', strengthModel: 1, strengthClip: 1 }]));
    expect(once.equals(base)).toBe(false);
    const twice = await pixels(withLoras(txt2img, [{ name: 'strong', strengthModel: 1, strengthClip: 1 }, { name: 'strong.safetensors', strengthModel: 1, strengthClip: 0 }]));
    expect(twice.equals(once)).toBe(false);
  }, 60_000);

  it('closes the UNet and text encoder variants a new LoRA replaces before patching, and only then', async () => {
    const vacated: string[] = [];
    const counting = { ...sessions, vacate: (group: string) => (vacated.push(group), sessions.vacate(group)) };
    const run = async (strength: number) => {
      const workflow = applyOverrides(withLoras(txt2img, [{ name: 'strong', strengthModel: strength, strengthClip: strength }]), { 'model.model': 'tiny' });
      expect((await executor.run(workflow, { env: { ...env, workflow, sessions: counting } })).status).toBe('finished');
    };
    await run(0.25);
    expect(vacated.filter((group) => group.startsWith('unet:'))).toHaveLength(1);
    expect(vacated.filter((group) => group.startsWith('text_encoder:'))).toHaveLength(1);
    vacated.length = 0;
    executor.clearCache();
    await run(0.25); // the patched copies exist: nothing is closed
    expect(vacated).toEqual([]);
  }, 60_000);

  it('reports the LoRA keys that match no layer by name in the run log', async () => {
    warnings.length = 0;
    await pixels(withLoras(txt2img, [{ name: 'strong', strengthModel: 0.5, strengthClip: 0.5 }]));
    expect(warnings.join('\n')).toMatch(/strong\.safetensors: 2 key\(s\) match no layer.*lora_unet_not_a_layer\.lora_down\.weight/);
  }, 60_000);

  it('an unknown LoRA name is a coded error on the lora_name input', async () => {
    const overridden = applyOverrides(withLoras(txt2img, [{ name: 'missing', strengthModel: 1, strengthClip: 1 }]), { 'model.model': 'tiny' });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'lora_not_found', nodeId: 'lora0', input: 'lora_name' } });
  });

  it('embedding:name puts its vectors in the prompt; weights and the embedding change the image, an unknown name fails', async () => {
    const plain = await pixels(txt2img, { 'positive.text': 'a red circle' });
    expect((await pixels(txt2img, { 'positive.text': 'a embedding:bright circle' })).equals(plain)).toBe(false);
    expect((await pixels(txt2img, { 'positive.text': 'a (red:1.8) circle' })).equals(plain)).toBe(false);
    const overridden = applyOverrides(txt2img, { 'model.model': 'tiny', 'positive.text': 'a embedding:nothing circle' });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'embedding_not_found', nodeId: 'positive' } });
  }, 60_000);
});
