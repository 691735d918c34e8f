import { copyFile, mkdir, mkdtemp, readFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import builtin from '../../nodes/index.ts';
import { EXAMPLE_IMAGES_DIR } from '../../nodes/load-image.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { applyOverrides, createExecutor, createRegistry, validateWorkflow } from '../../runtime/index.ts';
import type { RunEnvironment, RunEvent } from '../../runtime/index.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('built-in plugin', () => {
  const registry = createRegistry();
  registry.register(builtin);

  it('registers the Stable Diffusion node types and the editing nodes, each with a description', () => {
    const described = registry.describe();
    const generation = ['EmptyLatent', 'LoadImage', 'LoadModel', 'LoraLoader', 'PreviewImage', 'SaveImage', 'Scheduler', 'TextEncoder', 'Tokenizer', 'UNetStep', 'VAEDecode', 'VAEEncode', 'VAELoader'];
    const editing = [
      'LoadImageMask', 'InvertMask', 'GrowMask', 'FeatherMask', 'BlurMask', 'ThresholdMask', 'MaskComposite', 'SetLatentNoiseMask', 'VAEEncodeForInpaint',
      'ImagePadForOutpaint', 'ImageCompositeMasked', 'LatentUpscale', 'LatentUpscaleBy', 'ImageScale', 'ImageScaleBy', 'VAEDecodeTiled', 'VAEEncodeTiled', 'FreeU', 'FreeU_V2',
    ];
    const controlNet = ['Canny', 'ControlNetLoader', 'ControlNetApply', 'ControlNetApplyAdvanced'];
    const upscale = ['UpscaleModelLoader', 'ImageUpscaleWithModel'];
    const conditioning = ['ConditioningCombine', 'ConditioningSetArea', 'ConditioningZeroOut'];
    expect(described.map((d) => d.type).sort()).toEqual([...generation, ...editing, ...controlNet, ...upscale, ...conditioning].sort());
    for (const node of described) expect(node.description.length, node.type).toBeGreaterThan(40);
    expect(described.filter((d) => d.output).map((d) => d.type).sort()).toEqual(['PreviewImage', 'SaveImage']);
  });

  it.each(['txt2img', 'img2img'])('validates the shipped %s workflow, which places every node in the editor', async (name) => {
    const workflow = JSON.parse(await readFile(path.join(root, 'workflows', `${name}.json`), 'utf8'));
    expect(validateWorkflow(workflow, registry)).toEqual([]);
    expect(Object.keys(workflow.ui.positions).sort()).toEqual(Object.keys(workflow.nodes).sort());
    const ids = ['model', 'positive', 'negative', 'encode_positive', 'encode_negative', 'schedule', 'latent', 'unet', 'decode', 'save'];
    expect(Object.keys(workflow.nodes)).toEqual(expect.arrayContaining(ids));
    expect(workflow.nodes.latent.type).toBe(name === 'txt2img' ? 'EmptyLatent' : 'VAEEncode');
  });

  it.each(['inpaint', 'outpaint', 'hires-fix', 'controlnet', 'upscale'])('validates the shipped %s workflow, which places every node in the editor', async (name) => {
    const workflow = JSON.parse(await readFile(path.join(root, 'workflows', `${name}.json`), 'utf8'));
    expect(validateWorkflow(workflow, registry)).toEqual([]);
    expect(Object.keys(workflow.ui.positions).sort()).toEqual(Object.keys(workflow.nodes).sort());
    expect(workflow.meta.description.length).toBeGreaterThan(40);
  });

  describe('caching across runs of the shipped img2img workflow (tiny model)', { timeout: 60_000 }, () => {
    const sessions = createSessionPool();
    afterAll(() => sessions.close());

    it('serves every node from the cache while the image is unchanged; touching it re-runs the image path only', async () => {
      const scratch = await mkdtemp(path.join(tmpdir(), 'lf-img2img-'));
      const inputDir = path.join(scratch, 'input');
      await mkdir(inputDir);
      await copyFile(path.join(EXAMPLE_IMAGES_DIR, 'example.png'), path.join(inputDir, 'photo.png'));
      const shipped = JSON.parse(await readFile(path.join(root, 'workflows', 'img2img.json'), 'utf8'));
      const workflow = applyOverrides(shipped, { 'model.model': 'tiny', 'image.image': 'photo.png', 'schedule.steps': 2 });
      const env: RunEnvironment = { dataDir: path.join(root, 'data'), outputDir: path.join(scratch, 'output'), inputDir, backend: 'cpu', workflow, sessions };
      const executor = createExecutor({ registry });
      const executed = async () => {
        const events: RunEvent[] = [];
        const result = await executor.run(workflow, { env, onEvent: (event) => events.push(event) });
        expect(result.status).toBe('finished');
        return events.flatMap((e) => (e.type === 'node_started' ? [e.nodeId] : [])).sort();
      };
      expect(await executed()).toEqual(Object.keys(workflow.nodes).sort());
      expect(await executed()).toEqual([]);
      const later = new Date(Date.now() + 60_000);
      await utimes(path.join(inputDir, 'photo.png'), later, later);
      expect(await executed()).toEqual(['decode', 'image', 'latent', 'save', 'unet']);
    });
  });
});
