import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../../models/schedulers/index.ts';
import { apiPromptToWorkflow, ComfyConversionError, detectFormat, toLatentflowWorkflow } from '../../../compat/comfyui/index.ts';
import { validateWorkflow, type Workflow } from '../../../runtime/index.ts';
import { builtinRegistry, fixture, testEnvironment } from './environment.ts';

const env = testEnvironment();
const registry = builtinRegistry();

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ComfyConversionError) return error.issues;
    throw error;
  }
  throw new Error('expected the conversion to fail');
}

const ofType = (workflow: Workflow, type: string) => Object.entries(workflow.nodes).filter(([, node]) => node.type === type);

describe('ComfyUI API format -> latentflow', () => {
  it('turns the standard txt2img prompt into a valid latentflow workflow, keeping the ComfyUI ids', () => {
    const { workflow, origin } = apiPromptToWorkflow(fixture('txt2img-api.json'), env);
    expect(validateWorkflow(workflow, registry)).toEqual([]);
    expect(workflow.nodes['4']).toEqual({ type: 'LoadModel', inputs: { model: 'shapes-tiny', backend: 'default' } });
    expect(workflow.nodes['3'].type).toBe('UNetStep');
    expect(workflow.nodes['3.schedule']).toEqual({ type: 'Scheduler', inputs: { sampler: 'euler', schedule: 'normal', steps: 20, denoise: 1 }, version: 2 });
    expect(workflow.nodes['6.tokens'].inputs?.text).toBe('a red circle on a blue background');
    expect(origin['6.tokens']).toBe('6');
  });

  it('takes checkpoint file names (model.ckpt means data/model.ckpt or its converted folder) and folder names', () => {
    const prompt = fixture('txt2img-api.json');
    prompt['4'].inputs.ckpt_name = 'shapes-tiny.safetensors';
    expect(apiPromptToWorkflow(prompt, env).workflow.nodes['4'].inputs?.model).toBe('shapes-tiny');
    const withFile = { ...env, checkpoints: ['v1-5-pruned-emaonly.ckpt'] };
    prompt['4'].inputs.ckpt_name = 'v1-5-pruned-emaonly.ckpt';
    expect(apiPromptToWorkflow(prompt, withFile).workflow.nodes['4'].inputs?.model).toBe('v1-5-pruned-emaonly');
  });

  it('runs KSampler denoise the ComfyUI way: `steps` steps at the end of an int(steps / denoise) schedule', () => {
    const { workflow } = apiPromptToWorkflow(fixture('img2img-api.json'), env);
    const schedule = workflow.nodes['8.schedule'].inputs as { steps: number; denoise: number; sampler: string; schedule: string };
    expect(schedule.steps).toBe(33);
    expect(buildSchedule(schedule).sigmas.length - 1).toBe(20);
    expect(schedule.schedule).toBe('karras');
    expect(workflow.nodes['8'].inputs?.seed).toBe(7);
    expect(validateWorkflow(workflow, registry)).toEqual([]);
  });

  it('KSamplerAdvanced runs [start_at_step, end_at_step) of its schedule, and an empty range passes the latent through', () => {
    const prompt = fixture('txt2img-api.json');
    prompt['3'] = {
      class_type: 'KSamplerAdvanced',
      inputs: { ...prompt['3'].inputs, noise_seed: 5, add_noise: 'enable', start_at_step: 0, end_at_step: 12, return_with_leftover_noise: 'enable' },
    };
    delete prompt['3'].inputs.seed;
    const { workflow } = apiPromptToWorkflow(prompt, env);
    expect(workflow.nodes['3'].inputs).toMatchObject({ start_step: 0, end_step: 12, seed: 5 });
    prompt['3'].inputs.start_at_step = 12;
    prompt['3'].inputs.add_noise = 'disable';
    expect(apiPromptToWorkflow(prompt, env).workflow.nodes['8'].inputs?.latent).toEqual({ from: '5', output: 'latent' });
  });

  it('folds ComfyUI\'s 64-bit seeds into latentflow\'s 32-bit range', () => {
    const { workflow } = apiPromptToWorkflow({ ...fixture('txt2img-api.json'), 3: { ...fixture('txt2img-api.json')['3'], inputs: { ...fixture('txt2img-api.json')['3'].inputs, seed: 2 ** 32 + 9 } } }, env);
    expect(workflow.nodes['3'].inputs?.seed).toBe(9);
  });
});

describe('ComfyUI UI format -> latentflow', () => {
  const converted = toLatentflowWorkflow(fixture('split-sampler-ui.json'), env);
  const { workflow } = converted;

  it('is detected as the UI format and converts into a valid workflow', () => {
    expect(converted.format).toBe('comfyui-ui');
    expect(validateWorkflow(workflow, registry)).toEqual([]);
  });

  it('follows reroutes and passes bypassed nodes through (the CLIP skips CLIPSetLastLayer)', () => {
    for (const [, encoder] of ofType(workflow, 'TextEncoder')) {
      expect(encoder.inputs?.clip).toEqual({ from: '4', output: 'clip' });
      expect(encoder.inputs?.clip_skip).toBe(1);
    }
  });

  it('writes a Primitive node\'s value into the widgets it feeds and reads widgets_values past control_after_generate', () => {
    expect(workflow.nodes['3'].inputs).toMatchObject({ seed: 7, start_step: 0, end_step: 10 });
    expect(workflow.nodes['13'].inputs).toMatchObject({ seed: 7, start_step: 10, end_step: 0 });
    expect(workflow.nodes['3.schedule'].inputs).toMatchObject({ steps: 20, sampler: 'euler' });
    expect(workflow.nodes['3'].title).toBe('First half');
  });

  it('drops muted nodes, even of classes latentflow lacks', () => {
    expect(ofType(workflow, 'PreviewImage')).toEqual([]);
    expect(Object.keys(workflow.nodes)).not.toContain('15');
  });

  it('keeps positions, groups, notes and ComfyUI\'s canvas offset in the ui block', () => {
    expect(workflow.ui?.positions).toMatchObject({ '3': [863, 186], '3.schedule': [863, 346], '9': [1800, 186] });
    expect(workflow.ui?.groups).toEqual([{ title: 'Sampling', bounding: [840, 100, 700, 400], color: '#3f789e' }]);
    expect(workflow.ui?.notes).toEqual([{ text: 'Two KSamplerAdvanced halves: steps [0, 10) then [10, 20).', position: [20, 20] }]);
    expect(workflow.ui?.comfyuiCanvas).toEqual({ x: 120, y: -40, k: 0.8 });
  });

  it('reads links written as objects (the version 1 schema) like link arrays', () => {
    const ui = fixture('split-sampler-ui.json');
    ui.links = ui.links.map(([id, originId, originSlot, targetId, targetSlot, type]: unknown[]) => ({ id, origin_id: originId, origin_slot: originSlot, target_id: targetId, target_slot: targetSlot, type }));
    expect(toLatentflowWorkflow(ui, env).workflow.nodes).toEqual(workflow.nodes);
  });
});

describe('the editing nodes', () => {
  it('LoadImage\'s MASK maps to the mask output of latentflow\'s LoadImage', () => {
    const prompt = fixture('img2img-api.json');
    prompt['20'] = { class_type: 'SetLatentNoiseMask', inputs: { samples: ['6', 0], mask: ['5', 1] } };
    prompt['8'].inputs.latent_image = ['20', 0];
    const { workflow } = apiPromptToWorkflow(prompt, env);
    const masked = Object.values(workflow.nodes).find((node) => node.type === 'SetLatentNoiseMask');
    expect(masked?.inputs?.mask).toMatchObject({ output: 'mask' });
    expect(validateWorkflow(workflow, builtinRegistry())).toEqual([]);
  });

  it('reads image names ComfyUI annotates with their folder ("clipspace/x.png [input]", its mask editor\'s); other folders are refused', () => {
    const prompt = fixture('img2img-api.json');
    prompt['5'].inputs.image = 'clipspace/clipspace-mask-1.png [input]';
    prompt['21'] = { class_type: 'LoadImageMask', inputs: { image: 'mask.png [input]', channel: 'alpha' } };
    prompt['20'] = { class_type: 'SetLatentNoiseMask', inputs: { samples: ['6', 0], mask: ['21', 0] } };
    prompt['8'].inputs.latent_image = ['20', 0];
    const { workflow } = apiPromptToWorkflow(prompt, env);
    expect(workflow.nodes['5'].inputs?.image).toBe('clipspace/clipspace-mask-1.png');
    expect(workflow.nodes['21'].inputs?.image).toBe('mask.png');
    prompt['5'].inputs.image = 'ComfyUI_00001_.png [output]';
    expect(issuesOf(() => apiPromptToWorkflow(prompt, env))).toEqual([expect.objectContaining({ code: 'comfy_unsupported_value', nodeId: '5', input: 'image' })]);
  });
});

describe('what cannot convert is an error naming the ComfyUI node', () => {
  const txt2img = () => fixture('txt2img-api.json');

  it('an unmapped class names the node id and class', () => {
    const prompt = txt2img();
    prompt['10'] = { class_type: 'StyleModelLoader', inputs: {} };
    prompt['11'] = { class_type: 'ImageSharpen', inputs: { style_model: ['10', 0], image: ['8', 0] } };
    prompt['9'].inputs.images = ['11', 0];
    expect(issuesOf(() => apiPromptToWorkflow(prompt, env))).toEqual([
      expect.objectContaining({ code: 'comfy_unmapped_class', nodeId: '10', classType: 'StyleModelLoader' }),
      expect.objectContaining({ code: 'comfy_unmapped_class', nodeId: '11', classType: 'ImageSharpen' }),
    ]);
  });

  it('a class in the table whose latentflow nodes this installation lacks names what is missing', () => {
    const prompt = txt2img();
    prompt['10'] = { class_type: 'LoraLoader', inputs: { model: ['4', 0], clip: ['4', 1], lora_name: 'x.safetensors', strength_model: 1, strength_clip: 1 } };
    prompt['3'].inputs.model = ['10', 0];
    const lacking = { ...env, hasType: (type: string) => type !== 'LoraLoader' && env.hasType(type) };
    expect(issuesOf(() => apiPromptToWorkflow(prompt, lacking))[0]).toMatchObject({
      code: 'comfy_unmapped_class',
      nodeId: '10',
      message: expect.stringContaining('needs latentflow node(s) LoraLoader'),
    });
  });

  it('an entry translates once its latentflow nodes are there (LoraLoader keeps the CLIP skip set before it)', () => {
    const prompt = fixture('img2img-api.json');
    prompt['2'].inputs.stop_at_clip_layer = -2;
    prompt['11'] = { class_type: 'LoraLoader', inputs: { model: ['1', 0], clip: ['2', 0], lora_name: 'style.safetensors', strength_model: 0.8, strength_clip: 0.5 } };
    prompt['3'].inputs.clip = ['11', 1];
    prompt['8'].inputs.model = ['11', 0];
    const withLora = { ...env, hasType: (type: string) => type === 'LoraLoader' || env.hasType(type) };
    const { workflow } = apiPromptToWorkflow(prompt, withLora);
    expect(workflow.nodes['11']).toEqual({
      type: 'LoraLoader',
      inputs: { unet: { from: '1', output: 'unet' }, clip: { from: '1', output: 'clip' }, lora_name: 'style.safetensors', strength_model: 0.8, strength_clip: 0.5 },
    });
    expect(workflow.nodes['3'].inputs).toMatchObject({ clip: { from: '11', output: 'clip' }, clip_skip: 2 });
    expect(workflow.nodes['8'].inputs?.unet).toEqual({ from: '11', output: 'unet' });
  });

  it('a link to a missing node, a slot out of range, a missing input', () => {
    const prompt = txt2img();
    prompt['8'].inputs.vae = ['99', 0];
    prompt['6'].inputs.clip = ['4', 5];
    delete prompt['7'].inputs.clip;
    const issues = issuesOf(() => apiPromptToWorkflow(prompt, env));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'comfy_link_to_missing_node', nodeId: '8', input: 'vae' }),
        expect.objectContaining({ code: 'comfy_slot_out_of_range', nodeId: '6', input: 'clip' }),
        expect.objectContaining({ code: 'comfy_missing_input', nodeId: '7', input: 'clip' }),
      ]),
    );
  });

  it('a model, sampler or scheduler that is not there', () => {
    const prompt = txt2img();
    prompt['4'].inputs.ckpt_name = 'missing.safetensors';
    expect(issuesOf(() => apiPromptToWorkflow(prompt, env))[0]).toMatchObject({ code: 'comfy_value_not_in_list', nodeId: '4', input: 'ckpt_name' });
    const sampler = txt2img();
    sampler['3'].inputs.sampler_name = 'no_such_sampler';
    expect(issuesOf(() => apiPromptToWorkflow(sampler, env))[0]).toMatchObject({ code: 'comfy_value_not_in_list', nodeId: '3', input: 'sampler_name' });
  });

  it('a CLIP layer latentflow cannot give', () => {
    const prompt = fixture('img2img-api.json');
    prompt['2'].inputs.stop_at_clip_layer = -3;
    expect(issuesOf(() => apiPromptToWorkflow(prompt, env))[0]).toMatchObject({ code: 'comfy_unsupported_value', nodeId: '2', input: 'stop_at_clip_layer' });
  });

  it('deep nesting, a cycle, no output node, and documents that are no workflow at all', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(issuesOf(() => apiPromptToWorkflow({ 1: { class_type: 'SaveImage', inputs: { images: deep } } }, env))[0].code).toBe('comfy_too_deep');
    const cycle = txt2img();
    cycle['3'].inputs.latent_image = ['3', 0];
    expect(issuesOf(() => apiPromptToWorkflow(cycle, env))[0].code).toBe('comfy_invalid_prompt');
    expect(issuesOf(() => apiPromptToWorkflow({ 4: txt2img()['4'] }, env))[0].code).toBe('comfy_invalid_prompt');
    expect(issuesOf(() => toLatentflowWorkflow([1, 2], env))[0].code).toBe('comfy_invalid_prompt');
    expect(issuesOf(() => apiPromptToWorkflow({ 1: { inputs: {} } }, env))[0]).toMatchObject({ code: 'comfy_invalid_prompt', nodeId: '1' });
  });

  it('a UI link to a node that is not there', () => {
    const ui = fixture('split-sampler-ui.json');
    ui.links.find((link: unknown[]) => link[0] === 14)[1] = 404;
    expect(issuesOf(() => toLatentflowWorkflow(ui, env))[0]).toMatchObject({ code: 'comfy_link_to_missing_node', nodeId: '8', input: 'vae' });
  });
});

describe('detectFormat', () => {
  it('tells latentflow, ComfyUI API and ComfyUI UI documents apart', () => {
    expect(detectFormat({ version: 1, nodes: {} })).toBe('latentflow');
    expect(detectFormat(fixture('txt2img-api.json'))).toBe('comfyui-api');
    expect(detectFormat(fixture('split-sampler-ui.json'))).toBe('comfyui-ui');
    expect(detectFormat({ hello: 'world' })).toBeUndefined();
  });
});
