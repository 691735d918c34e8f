import { describe, expect, it } from 'vitest';
import { apiPromptToWorkflow } from '../../../compat/comfyui/index.ts';
import { validateWorkflow } from '../../../runtime/index.ts';
import { builtinRegistry, testEnvironment } from './environment.ts';

describe('ComfyUI Canny', () => {
  it('becomes the latentflow Canny node with the same thresholds', () => {
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
      '2': { class_type: 'Canny', inputs: { image: ['1', 0], low_threshold: 0.3, high_threshold: 0.7 } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'edges' } },
    };
    const { workflow } = apiPromptToWorkflow(prompt, testEnvironment());
    expect(validateWorkflow(workflow, builtinRegistry())).toEqual([]);
    const [canny] = Object.values(workflow.nodes).filter((node) => node.type === 'Canny');
    expect(canny.inputs).toMatchObject({ low_threshold: 0.3, high_threshold: 0.7 });
  });
});
