import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiPromptToWorkflow, comfyEnvironment, nativeSizes, workflowToApiPrompt } from '../../../compat/comfyui/index.ts';
import { validateWorkflow, type Workflow } from '../../../runtime/index.ts';
import { builtinRegistry, REPO_DATA } from './environment.ts';

const WORKFLOWS = path.resolve(import.meta.dirname, '../../../workflows');
const shipped = fs.readdirSync(WORKFLOWS).filter((file) => file.endsWith('.json'));
const read = (file: string): Workflow => JSON.parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'));
const registry = builtinRegistry();

/** The repository's models, an SD 1.5 checkpoint not converted yet, an upscale model and the shipped workflows' images. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comfy-export-'));
fs.symlinkSync(path.join(REPO_DATA, 'models'), path.join(dataDir, 'models'));
fs.writeFileSync(path.join(dataDir, 'sd15-unconverted.safetensors'), '');
fs.mkdirSync(path.join(dataDir, 'upscale_models'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const txt2img = (model: string, width = 0): Workflow => {
  const workflow = read('txt2img.json');
  workflow.nodes.model.inputs = { ...workflow.nodes.model.inputs, model };
  workflow.nodes.latent.inputs = { ...workflow.nodes.latent.inputs, width, height: width };
  return workflow;
};
const exported = async (workflow: Workflow) => workflowToApiPrompt(workflow, { registry, nativeSizes: await nativeSizes(workflow, dataDir) });
const issuesOf = async (workflow: Workflow) => {
  try {
    await exported(workflow);
    return [];
  } catch (error) {
    return (error as { issues: unknown[] }).issues;
  }
};

describe('export to ComfyUI\'s API format', () => {
  it.each(shipped)('%s exports, every node mapped, and the export converts back into a valid latentflow workflow', async (file) => {
    const workflow = read(file);
    const prompt = await exported(workflow);
    const types = new Set(Object.values(workflow.nodes).map((node) => node.type));
    expect(Object.keys(prompt).length).toBeGreaterThanOrEqual(types.size - 2);
    const env = comfyEnvironment({ registry, dataDir, inputDir: path.join(dataDir, 'input') });
    const files = (type: string, input: string) => Object.values(workflow.nodes).filter((node) => node.type === type).map((node) => String(node.inputs?.[input]));
    const back = apiPromptToWorkflow(prompt, { ...env, inputImages: [...files('LoadImage', 'image'), ...files('LoadImageMask', 'image')], upscaleModels: files('UpscaleModelLoader', 'model_name'), controlNets: files('ControlNetLoader', 'control_net_name') });
    expect(validateWorkflow(back.workflow, registry)).toEqual([]);
    expect(new Set(Object.values(back.workflow.nodes).map((node) => node.type))).toEqual(types);
  });

  it('writes the class table\'s classes: inputs renamed to ComfyUI\'s, links to the right output slot, latentflow defaults for inputs left out, ComfyUI defaults for widgets latentflow lacks', async () => {
    const workflow: Workflow = {
      version: 1,
      nodes: {
        model: { type: 'LoadModel', inputs: { model: 'shapes-tiny' } },
        image: { type: 'LoadImage', inputs: { image: 'photo.png' } },
        grow: { type: 'GrowMask', inputs: { mask: { from: 'image', output: 'mask' }, expand: 4 } },
        encode: { type: 'VAEEncodeForInpaint', inputs: { vae: { from: 'model', output: 'vae' }, image: { from: 'image', output: 'image' }, mask: { from: 'grow', output: 'mask' } } },
        decode: { type: 'VAEDecodeTiled', inputs: { vae: { from: 'model', output: 'vae' }, latent: { from: 'encode', output: 'latent' }, tile_size: 256 } },
        save: { type: 'SaveImage', inputs: { image: { from: 'decode', output: 'image' } } },
      },
    };
    const prompt = await exported(workflow);
    expect(prompt['3']).toEqual({ class_type: 'GrowMask', inputs: { mask: ['2', 1], expand: 4, tapered_corners: true } });
    expect(prompt['4'].inputs).toEqual({ vae: ['1', 2], pixels: ['2', 0], mask: ['3', 0], grow_mask_by: 6 });
    expect(prompt['5']).toEqual({ class_type: 'VAEDecodeTiled', inputs: { vae: ['1', 2], samples: ['4', 0], tile_size: 256, overlap: 64, temporal_size: 64, temporal_overlap: 8 } });
    expect(prompt['6'].inputs).toEqual({ images: ['5', 0], filename_prefix: (registry.get('SaveImage')!.inputs.filename_prefix as { default: string }).default });
  });

  it('EmptyLatent 0 is the linked model\'s native size: 64 for shapes-tiny and tiny, 512 for an SD 1.5 checkpoint not converted yet', async () => {
    const side = async (model: string) => Object.values(await exported(txt2img(model))).find((node) => node.class_type === 'EmptyLatentImage')!;
    for (const [model, size] of [['shapes-tiny', 64], ['tiny', 64], ['sd15-unconverted', 512]] as const) {
      expect((await side(model)).inputs).toMatchObject({ width: size, height: size });
    }
    expect(Object.values(await exported(txt2img('not-installed', 256))).find((node) => node.class_type === 'EmptyLatentImage')!.inputs).toMatchObject({ width: 256 });
  });

  it('EmptyLatent 0 with a model that is not installed, or with no unet linked, is a clear error naming the node', async () => {
    expect(await issuesOf(txt2img('not-installed'))).toEqual([
      expect.objectContaining({ code: 'comfy_unsupported_value', nodeId: 'latent', message: expect.stringContaining('("not-installed") is not installed here; set width') }),
      expect.objectContaining({ code: 'comfy_unsupported_value', nodeId: 'latent', message: expect.stringContaining('set height') }),
    ]);
    const unlinked = txt2img('shapes-tiny');
    delete unlinked.nodes.latent.inputs!.unet;
    expect(await issuesOf(unlinked)).toContainEqual(expect.objectContaining({ nodeId: 'latent', message: expect.stringContaining('is not linked') }));
  });

  it('the `default` schedule is `normal` for euler, and an error for ddim/plms (`leading`) and for dpm_2 (ComfyUI\'s normal drops a level)', async () => {
    const withSampler = (sampler: string, schedule = 'default') => {
      const workflow = txt2img('shapes-tiny');
      workflow.nodes.schedule.inputs = { ...workflow.nodes.schedule.inputs, sampler, schedule };
      return workflow;
    };
    const scheduler = async (workflow: Workflow) => Object.values(await exported(workflow)).find((node) => node.class_type === 'KSamplerAdvanced')!.inputs.scheduler;
    expect(await scheduler(withSampler('euler'))).toBe('normal');
    expect(await scheduler(withSampler('ddim', 'ddim_uniform'))).toBe('ddim_uniform');
    expect(await scheduler(withSampler('dpm_2', 'karras'))).toBe('karras');
    for (const [sampler, schedule, says] of [['ddim', 'default', 'leading'], ['plms', 'default', 'leading'], ['euler', 'leading', 'CompVis'], ['dpm_2', 'default', 'next-to-last']]) {
      expect(await issuesOf(withSampler(sampler, schedule))).toEqual([expect.objectContaining({ code: 'comfy_unsupported_value', nodeId: 'unet', message: expect.stringContaining(says) })]);
    }
  });
});
