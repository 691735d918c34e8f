import { describe, expect, it } from 'vitest';
import { withLoras } from '../../../../editor/src/pages/generate/with-loras.ts';
import type { Workflow } from '../../../../editor/src/workflow/types.ts';

const workflow: Workflow = {
  version: 1,
  nodes: {
    model: { type: 'LoadModel', inputs: { model: 'auto' } },
    positive: { type: 'Tokenizer', inputs: { clip: { from: 'model', output: 'clip' }, text: 'a cat' } },
    unet: { type: 'UNetStep', inputs: { unet: { from: 'model', output: 'unet' }, cfg: 7 } },
    decode: { type: 'VAEDecode', inputs: { vae: { from: 'model', output: 'vae' } } },
  },
};

describe('withLoras (the generate page\'s LoRA picker)', () => {
  it('chains one LoraLoader per LoRA after LoadModel and rewires unet and clip users to the last one', () => {
    const result = withLoras(workflow, [{ name: 'style', strength: 0.8 }, { name: 'detail', strength: 0.5 }]);
    expect(result.nodes.lora0.inputs).toEqual({ unet: { from: 'model', output: 'unet' }, clip: { from: 'model', output: 'clip' }, lora_name: 'style', strength_model: 0.8, strength_clip: 0.8 });
    expect(result.nodes.lora1.inputs?.unet).toEqual({ from: 'lora0', output: 'unet' });
    expect(result.nodes.positive.inputs?.clip).toEqual({ from: 'lora1', output: 'clip' });
    expect(result.nodes.unet.inputs?.unet).toEqual({ from: 'lora1', output: 'unet' });
    expect(result.nodes.decode.inputs?.vae).toEqual({ from: 'model', output: 'vae' });
    expect(workflow.nodes.positive.inputs?.clip).toEqual({ from: 'model', output: 'clip' });
  });

  it('leaves the workflow as it is without LoRAs', () => {
    expect(withLoras(workflow, [])).toBe(workflow);
  });
});
