import type { Workflow } from '../../runtime/index.ts';

type Node = Workflow['nodes'][string];

/**
 * The workflow with a LoraLoader per entry between LoadModel ("model") and everything that used
 * its unet and clip outputs: the same graph ComfyUI users build.
 */
export function withLoras(workflow: Workflow, loras: { name: string; strengthModel: number; strengthClip: number }[]): Workflow {
  const nodes: Record<string, Node> = structuredClone(workflow.nodes) as Record<string, Node>;
  let from = 'model';
  loras.forEach((lora, i) => {
    const id = `lora${i}`;
    nodes[id] = {
      type: 'LoraLoader',
      inputs: {
        unet: { from, output: 'unet' }, clip: { from, output: 'clip' },
        lora_name: lora.name, strength_model: lora.strengthModel, strength_clip: lora.strengthClip,
      },
    };
    from = id;
  });
  for (const [id, node] of Object.entries(nodes)) {
    if (id.startsWith('lora')) continue;
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      const link = value as { from?: string; output?: string };
      if (link?.from === 'model' && (link.output === 'unet' || link.output === 'clip')) (node.inputs as Record<string, unknown>)[name] = { from, output: link.output };
    }
  }
  return { ...workflow, nodes } as Workflow;
}
