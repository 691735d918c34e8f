import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPromptToWorkflow, comfyEnvironment } from '../../../compat/comfyui/index.ts';
import type { ComfyEnvironment } from '../../../compat/comfyui/class-entry.ts';
import { decodePng } from '../../../nodes/lib/png.ts';
import type { SavedImage } from '../../../nodes/save-image.ts';
import { createSessionPool } from '../../../runtime/backends/index.ts';
import { createExecutor, validateWorkflow, type RunEnvironment } from '../../../runtime/index.ts';
import { dataDirWithTinyModel } from '../../models/adapters/lora-fixtures.ts';
import { writeTinyControlNet } from '../../fixtures/tiny-controlnet.ts';
import { builtinRegistry, fixture } from './environment.ts';

/** The txt2img API prompt on the tiny model with a ControlNet on both prompts (ControlNetApplyAdvanced) and FreeU_V2 on the model. */
function controlNetPrompt(options: { strength: number; name?: string }) {
  const prompt = fixture('txt2img-api.json');
  prompt['4'].inputs.ckpt_name = 'tiny';
  prompt['3'].inputs.steps = 4;
  prompt['10'] = { class_type: 'ControlNetLoader', inputs: { control_net_name: options.name ?? 'control_v11p_sd15_tiny.pth' } };
  prompt['11'] = { class_type: 'LoadImage', inputs: { image: 'example.png' } };
  prompt['12'] = {
    class_type: 'ControlNetApplyAdvanced',
    inputs: { positive: ['6', 0], negative: ['7', 0], control_net: ['10', 0], image: ['11', 0], strength: options.strength, start_percent: 0, end_percent: 0.8, vae: ['4', 2] },
  };
  prompt['13'] = { class_type: 'FreeU_V2', inputs: { model: ['4', 0], b1: 1.3, b2: 1.4, s1: 0.9, s2: 0.2 } };
  prompt['3'].inputs.model = ['13', 0];
  prompt['3'].inputs.positive = ['12', 0];
  prompt['3'].inputs.negative = ['12', 1];
  return prompt;
}

describe('ComfyUI ControlNet and FreeU classes', () => {
  const sessions = createSessionPool();
  const executor = createExecutor({ registry: builtinRegistry(), cacheSize: 0 });
  let env: RunEnvironment;
  let comfy: ComfyEnvironment;

  beforeAll(async () => {
    const dataDir = dataDirWithTinyModel();
    await mkdir(path.join(dataDir, 'controlnet'));
    writeTinyControlNet(path.join(dataDir, 'controlnet', 'control_v11p_sd15_tiny.pth'), { seed: 5, prefixed: true });
    const outputDir = await mkdtemp(path.join(tmpdir(), 'lf-comfy-controlnet-'));
    env = { dataDir, outputDir, inputDir: path.join(outputDir, 'input'), backend: 'cpu', workflow: null, sessions };
    await mkdir(env.inputDir, { recursive: true });
    comfy = comfyEnvironment({ registry: builtinRegistry(), dataDir });
  });
  afterAll(() => sessions.close());

  async function run(prompt: unknown) {
    const { workflow } = apiPromptToWorkflow(prompt, comfy);
    expect(validateWorkflow(workflow, builtinRegistry())).toEqual([]);
    const result = await executor.run(workflow, { env: { ...env, workflow } });
    if (result.status !== 'finished') throw new Error(`run ${result.status}: ${JSON.stringify(result)}`);
    const saved = Object.values(result.outputs).flatMap((output) => (output as { images?: SavedImage[] }).images ?? []);
    return decodePng(await readFile(path.join(env.outputDir, saved[0].filename)));
  }

  it('lists data/controlnet/ for control_net_name and maps the classes onto the latentflow nodes', () => {
    expect(comfy.controlNets).toEqual(['control_v11p_sd15_tiny.pth']);
    const { workflow } = apiPromptToWorkflow(controlNetPrompt({ strength: 1 }), comfy);
    expect(workflow.nodes['10']).toEqual({ type: 'ControlNetLoader', inputs: { control_net_name: 'control_v11p_sd15_tiny.pth' } });
    expect(workflow.nodes['12']).toMatchObject({
      type: 'ControlNetApplyAdvanced',
      inputs: { positive: { from: '6', output: 'conditioning' }, control_net: { from: '10', output: 'control_net' }, strength: 1, end_percent: 0.8 },
    });
    expect(workflow.nodes['13']).toMatchObject({ type: 'FreeU_V2', inputs: { unet: { from: '4', output: 'unet' }, b1: 1.3 } });
    expect(Object.values(workflow.nodes).find((n) => n.type === 'UNetStep')?.inputs).toMatchObject({
      positive: { from: '12', output: 'positive' }, negative: { from: '12', output: 'negative' }, unet: { from: '13', output: 'unet' },
    });
  });

  it('a ControlNet name not in data/controlnet/ is refused at conversion, naming the node and input', () => {
    expect(() => apiPromptToWorkflow(controlNetPrompt({ strength: 1, name: 'control_v11p_sd15_openpose.pth' }), comfy)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ code: 'comfy_value_not_in_list', nodeId: '10', input: 'control_net_name' })] }),
    );
  });

  it('the API workflow with ControlNetApplyAdvanced and FreeU_V2 runs headless; the ControlNet changes the image', async () => {
    const steered = await run(controlNetPrompt({ strength: 1 }));
    expect([steered.width, steered.height]).toEqual([64, 64]);
    const unsteered = await run(controlNetPrompt({ strength: 0 }));
    expect(Buffer.from(steered.data).equals(Buffer.from(unsteered.data))).toBe(false);
  }, 120_000);
});
