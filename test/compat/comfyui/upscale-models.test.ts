import { describe, expect, it } from 'vitest';
import { apiPromptToWorkflow } from '../../../compat/comfyui/index.ts';
import { validateWorkflow } from '../../../runtime/index.ts';
import { builtinRegistry, testEnvironment } from './environment.ts';

const prompt = (modelName: string) => ({
  '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
  '2': { class_type: 'UpscaleModelLoader', inputs: { model_name: modelName } },
  '3': { class_type: 'ImageUpscaleWithModel', inputs: { upscale_model: ['2', 0], image: ['1', 0] } },
  '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'up' } },
});

describe('ComfyUI upscale model classes', () => {
  it('UpscaleModelLoader and ImageUpscaleWithModel become the latentflow nodes, with the shipped model listed', () => {
    const { workflow } = apiPromptToWorkflow(prompt('tiny-rrdbnet-x2-passthrough.safetensors'), testEnvironment());
    expect(validateWorkflow(workflow, builtinRegistry())).toEqual([]);
    expect(workflow.nodes['2']).toEqual({ type: 'UpscaleModelLoader', inputs: { model_name: 'tiny-rrdbnet-x2-passthrough.safetensors' } });
    expect(workflow.nodes['3']).toMatchObject({
      type: 'ImageUpscaleWithModel',
      inputs: { image: { from: '1', output: 'image' }, upscale_model: { from: '2', output: 'upscale_model' } },
    });
  });

  it('a model file that is not in data/upscale_models/ is refused at conversion, naming the node and input', () => {
    expect(() => apiPromptToWorkflow(prompt('RealESRGAN_x4plus.pth'), testEnvironment())).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ code: 'comfy_value_not_in_list', nodeId: '2', input: 'model_name' })] }),
    );
  });
});
