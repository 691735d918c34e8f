import { isLink, type Workflow } from '../../workflow/types.ts';

export interface LoraChoice {
  name: string;
  /** Applied to the UNet and the text encoder alike. */
  strength: number;
}

/**
 * The workflow with one LoraLoader per choice chained after the LoadModel node `model`, and every
 * node that used its unet or clip output reading the last LoraLoader's instead (the graph ComfyUI
 * users build by hand). Node ids are lora0, lora1, ...
 */
export function withLoras(workflow: Workflow, loras: readonly LoraChoice[]): Workflow {
  if (loras.length === 0) return workflow;
  const nodes = structuredClone(workflow.nodes);
  let from = 'model';
  loras.forEach((lora, i) => {
    const id = `lora${i}`;
    nodes[id] = {
      type: 'LoraLoader',
      inputs: { unet: { from, output: 'unet' }, clip: { from, output: 'clip' }, lora_name: lora.name, strength_model: lora.strength, strength_clip: lora.strength },
    };
    from = id;
  });
  for (const [id, node] of Object.entries(nodes)) {
    if (node.type === 'LoraLoader' && id.startsWith('lora')) continue;
    const inputs = node.inputs ?? {};
    for (const [name, value] of Object.entries(inputs)) {
      if (isLink(value) && value.from === 'model' && (value.output === 'unet' || value.output === 'clip')) inputs[name] = { from, output: value.output };
    }
  }
  return { ...workflow, nodes };
}
