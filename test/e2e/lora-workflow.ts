import type { Workflow } from '../../runtime/index.ts';
import { withLoras as insertLoras } from '../../editor/src/pages/generate/with-loras.ts';
import type { Workflow as EditorWorkflow } from '../../editor/src/workflow/types.ts';

/** The workflow with LoraLoaders after LoadModel, as the generate page builds it (one strength for both networks, or two). */
export function withLoras(workflow: Workflow, loras: { name: string; strengthModel: number; strengthClip: number }[]): Workflow {
  const inserted = insertLoras(workflow as unknown as EditorWorkflow, loras.map((l) => ({ name: l.name, strength: l.strengthModel })));
  loras.forEach((lora, i) => (inserted.nodes[`lora${i}`].inputs = { ...inserted.nodes[`lora${i}`].inputs, strength_clip: lora.strengthClip }));
  return inserted as unknown as Workflow;
}
