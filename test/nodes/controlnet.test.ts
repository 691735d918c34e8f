import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionPool, type InferenceTiming } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, type PluginDefinition, type RunEnvironment, type Workflow } from '../../runtime/index.ts';
import { buildSchedule, TRAINING_SIGMAS } from '../../models/schedulers/index.ts';
import { percentToSigma } from '../../nodes/lib/control.ts';
import { decodePng } from '../../nodes/lib/png.ts';
import type { SavedImage } from '../../nodes/save-image.ts';
import { dataDirWithTinyModel, spec, writeLora } from '../models/adapters/lora-fixtures.ts';
import { writeTinyControlNet, writeTinyControlNetFolder } from '../fixtures/tiny-controlnet.ts';

const root = path.resolve(import.meta.dirname, '../..');
const STEPS = 6;

interface Control { name: string; strength?: number; start?: number; end?: number; advanced?: boolean }

/** txt2img on the tiny model with ControlNets chained on the conditionings (ControlNetApplyAdvanced, or ControlNetApply on the positive one). */
function withControls(base: Workflow, controls: Control[], extra: Record<string, Workflow['nodes'][string]> = {}): Workflow {
  const workflow = structuredClone(base);
  workflow.nodes.hint = { type: 'LoadImage', inputs: { image: 'example.png' } };
  let positive = { from: 'encode_positive', output: 'conditioning' };
  let negative = { from: 'encode_negative', output: 'conditioning' };
  controls.forEach((control, i) => {
    workflow.nodes[`cn${i}`] = { type: 'ControlNetLoader', inputs: { control_net_name: control.name } };
    const common = { control_net: { from: `cn${i}`, output: 'control_net' }, image: { from: 'hint', output: 'image' }, strength: control.strength ?? 1 };
    if (control.advanced === false) {
      workflow.nodes[`apply${i}`] = { type: 'ControlNetApply', inputs: { conditioning: positive, ...common } };
      positive = { from: `apply${i}`, output: 'conditioning' };
    } else {
      workflow.nodes[`apply${i}`] = {
        type: 'ControlNetApplyAdvanced', inputs: { positive, negative, ...common, start_percent: control.start ?? 0, end_percent: control.end ?? 1 },
      };
      positive = { from: `apply${i}`, output: 'positive' };
      negative = { from: `apply${i}`, output: 'negative' };
    }
  });
  Object.assign(workflow.nodes, extra);
  workflow.nodes.unet.inputs = { ...workflow.nodes.unet.inputs, positive, negative };
  delete workflow.ui;
  return workflow;
}

describe('ControlNetLoader, ControlNetApply and ControlNetApplyAdvanced through the real pipeline on the tiny model', () => {
  const txt2img = JSON.parse(readFileSync(path.join(root, 'workflows/txt2img.json'), 'utf8')) as Workflow;
  const runs: InferenceTiming[] = [];
  const sessions = createSessionPool({ onInference: (timing) => runs.push(timing) });
  let env: RunEnvironment;
  let executor: ReturnType<typeof createExecutor>;
  let seeds = 0;

  beforeAll(async () => {
    const registry = createRegistry();
    registry.register(((await import('../../nodes/index.ts')) as { default: PluginDefinition }).default);
    executor = createExecutor({ registry, cacheSize: 64 });
    const dataDir = dataDirWithTinyModel();
    const controlDir = path.join(dataDir, 'controlnet');
    await mkdir(controlDir, { recursive: true });
    writeTinyControlNet(path.join(controlDir, 'control_v11p_sd15_tiny.pth'), { seed: 3, prefixed: false });
    writeTinyControlNet(path.join(controlDir, 'tiny-prefixed.safetensors'), { seed: 3, prefixed: true });
    writeTinyControlNetFolder(path.join(controlDir, 'tiny-diffusers'), { seed: 3 });
    writeTinyControlNet(path.join(controlDir, 'other.safetensors'), { seed: 8, prefixed: true });
    writeLora(path.join(dataDir, 'loras', 'strong.safetensors'), [
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_v.lora_down.weight', [4, 64], 1, 1),
      spec('lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_v.lora_up.weight', [32, 4], 2, 1),
    ]);
    const out = await mkdtemp(path.join(tmpdir(), 'lf-controlnet-'));
    env = { dataDir, outputDir: out, inputDir: path.join(out, 'input'), backend: 'cpu', workflow: null, sessions };
    await mkdir(env.inputDir, { recursive: true });
  });

  afterAll(() => sessions.close());

  /** The shipped workflow's DeepCache is off here, so that the counts below are per UNet call; the DeepCache case sets it. */
  async function pixels(workflow: Workflow, overrides: Record<string, unknown> = {}) {
    const overridden = applyOverrides(workflow, { 'model.model': 'tiny', 'schedule.steps': STEPS, 'unet.deep_cache_interval': 1, ...overrides });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    if (result.status !== 'finished') throw Object.assign(new Error(`run ${result.status}`), { result });
    const [saved] = (result.outputs.save as { images: SavedImage[] }).images;
    return Buffer.from(decodePng(await readFile(path.join(env.outputDir, saved.filename))).data);
  }

  /** Model calls of the last run by kind: ControlNet, UNet with control inputs, any other UNet. */
  async function counted(workflow: Workflow, overrides: Record<string, unknown> = {}) {
    runs.length = 0;
    // A seed of its own, so that the executor's cache never answers for UNetStep.
    const image = await pixels(workflow, { 'unet.seed': 1000 + seeds++, ...overrides });
    const of = (test: (p: string) => boolean) => runs.filter((run) => test(run.modelPath)).length;
    const controlNet = of((p) => p.endsWith('controlnet.onnx'));
    const variant = of((p) => p.includes(`${path.sep}variants${path.sep}`));
    return { image, controlNet, variant, plain: of((p) => p.endsWith(path.join('unet', 'model.onnx'))) - variant };
  }

  it('loads the original layout (.pth without prefix, .safetensors with it) and a diffusers folder alike; strength 0 gives the base image byte for byte', async () => {
    const base = await pixels(txt2img);
    const original = await pixels(withControls(txt2img, [{ name: 'control_v11p_sd15_tiny.pth' }]));
    expect(original.equals(base)).toBe(false);
    expect((await pixels(withControls(txt2img, [{ name: 'tiny-prefixed' }]))).equals(original)).toBe(true);
    expect((await pixels(withControls(txt2img, [{ name: 'tiny-diffusers' }]))).equals(original)).toBe(true);
    expect((await pixels(withControls(txt2img, [{ name: 'control_v11p_sd15_tiny.pth', strength: 0 }]))).equals(base)).toBe(true);
    expect((await pixels(withControls(txt2img, [{ name: 'control_v11p_sd15_tiny.pth', strength: 0, advanced: false }]))).equals(base)).toBe(true);
  }, 120_000);

  it('ControlNetApply steers the positive prompt only; Advanced runs once over both prompts, on the steps its window covers', async () => {
    const apply = await counted(withControls(txt2img, [{ name: 'other', advanced: false }]));
    expect(apply).toMatchObject({ controlNet: STEPS, variant: STEPS, plain: 0 });
    const advanced = await counted(withControls(txt2img, [{ name: 'other' }]));
    expect(advanced).toMatchObject({ controlNet: STEPS, variant: STEPS, plain: 0 });
    expect(advanced.image.equals(apply.image)).toBe(false);

    const { sigmas } = buildSchedule({ sampler: 'euler', schedule: 'default', steps: STEPS, denoise: 1 });
    const covered = (start: number, end: number) => sigmas.slice(0, STEPS).filter((s) => s <= percentToSigma(start) && s >= percentToSigma(end)).length;
    expect(covered(0.3, 0.7)).toBeGreaterThan(0);
    expect(covered(0.3, 0.7)).toBeLessThan(STEPS);
    const windowed = await counted(withControls(txt2img, [{ name: 'other', start: 0.3, end: 0.7 }]));
    expect(windowed).toMatchObject({ controlNet: covered(0.3, 0.7), variant: covered(0.3, 0.7), plain: STEPS - covered(0.3, 0.7) });
    const late = await counted(withControls(txt2img, [{ name: 'other', start: 0.8, end: 1 }]));
    expect(late.controlNet).toBe(covered(0.8, 1));
  }, 120_000);

  it('with DeepCache (deep_cache_interval 3) a call where a ControlNet acts runs the whole UNet: over the whole schedule the image is interval 1\'s byte for byte', async () => {
    const controlled = withControls(txt2img, [{ name: 'other' }]);
    const seed = 2000 + seeds++;
    const full = await counted(controlled, { 'unet.seed': seed });
    const cached = await counted(controlled, { 'unet.seed': seed, 'unet.deep_cache_interval': 3 });
    expect(cached).toMatchObject({ controlNet: STEPS, variant: STEPS, plain: 0 });
    expect(cached.image.equals(full.image)).toBe(true);
    // Outside the window the DeepCache variant runs, its cache started again after the controlled calls.
    const windowed = withControls(txt2img, [{ name: 'other', start: 0.3, end: 0.7 }]);
    const windowedFull = await counted(windowed, { 'unet.seed': seed });
    const windowedCached = await counted(windowed, { 'unet.seed': seed, 'unet.deep_cache_interval': 3 });
    expect(windowedCached).toMatchObject({ controlNet: windowedFull.controlNet, variant: STEPS, plain: 0 });
    expect(windowedCached.image.equals(windowedFull.image)).toBe(false);
  }, 120_000);

  it('two ControlNets at once add up: each changes the image, together they differ from either', async () => {
    const one = await pixels(withControls(txt2img, [{ name: 'tiny-prefixed', strength: 0.7 }]));
    const other = await pixels(withControls(txt2img, [{ name: 'other', strength: 0.7 }]));
    const both = await counted(withControls(txt2img, [{ name: 'tiny-prefixed', strength: 0.7 }, { name: 'other', strength: 0.7 }]), { 'unet.seed': 42 });
    expect(both.controlNet).toBe(2 * STEPS);
    expect(both.image.equals(one)).toBe(false);
    expect(both.image.equals(other)).toBe(false);
    const withZero = await pixels(withControls(txt2img, [{ name: 'tiny-prefixed', strength: 0.7 }, { name: 'other', strength: 0 }]));
    expect(withZero.equals(one)).toBe(true);
  }, 120_000);

  it('works with a LoRA and with FreeU on the UNet', async () => {
    const lora = { type: 'LoraLoader', inputs: { unet: { from: 'model', output: 'unet' }, clip: { from: 'model', output: 'clip' }, lora_name: 'strong', strength_model: 1, strength_clip: 0 } };
    const freeU = { type: 'FreeU', inputs: { unet: { from: 'lora', output: 'unet' }, b1: 1.5, b2: 1.6, s1: 0.9, s2: 0.2 } };
    const patched = (workflow: Workflow, unet: string) => {
      workflow.nodes.unet.inputs = { ...workflow.nodes.unet.inputs, unet: { from: unet, output: 'unet' } };
      return workflow;
    };
    const control = withControls(txt2img, [{ name: 'other' }]);
    const plainControl = await pixels(control);
    const withLora = await pixels(patched(withControls(txt2img, [{ name: 'other' }], { lora }), 'lora'));
    const withBoth = await pixels(patched(withControls(txt2img, [{ name: 'other' }], { lora, freeU }), 'freeU'));
    const loraOnly = await pixels(patched(withControls(txt2img, [{ name: 'other', strength: 0 }], { lora }), 'lora'));
    expect(withLora.equals(plainControl)).toBe(false);
    expect(withLora.equals(loraOnly)).toBe(false);
    expect(withBoth.equals(withLora)).toBe(false);
  }, 120_000);

  it('an unknown ControlNet name is a coded error on control_net_name, listing what there is', async () => {
    const overridden = applyOverrides(withControls(txt2img, [{ name: 'nothing' }]), { 'model.model': 'tiny' });
    const result = await executor.run(overridden, { env: { ...env, workflow: overridden } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'controlnet_not_found', nodeId: 'cn0', input: 'control_net_name', message: expect.stringContaining('tiny-diffusers') } });
  });

  it('places start and end percent on the training noise levels', () => {
    expect(percentToSigma(0)).toBe(Infinity);
    expect(percentToSigma(1)).toBe(0);
    expect(percentToSigma(0.5)).toBeGreaterThan(TRAINING_SIGMAS[499]);
    expect(percentToSigma(0.5)).toBeLessThan(TRAINING_SIGMAS[500]);
    expect(percentToSigma(0.001)).toBeCloseTo(TRAINING_SIGMAS[998], 2);
  });
});
