import type { Workflow } from '../../runtime/index.ts';
import type { ComfyEnvironment } from './class-entry.ts';
import { failWith } from './errors.ts';
import { apiPromptToWorkflow, type ConvertedWorkflow } from './to-workflow.ts';
import { detectFormat, type WorkflowFormat } from './detect.ts';
import { uiWorkflowToApiPrompt, type UiLayout } from './ui-workflow.ts';


/** Helper nodes a ComfyUI node became are placed below its position. */
const HELPER_OFFSET = 160;

function placed(converted: ConvertedWorkflow, layout: UiLayout): Workflow {
  const positions: Record<string, [number, number]> = {};
  const helpers = new Map<string, number>();
  for (const [id, comfyId] of Object.entries(converted.origin)) {
    const base = layout.positions[comfyId];
    if (!base) continue;
    const offset = id === comfyId ? 0 : (helpers.set(comfyId, (helpers.get(comfyId) ?? 0) + 1).get(comfyId) as number);
    positions[id] = [Math.round(base[0]), Math.round(base[1] + offset * HELPER_OFFSET)];
  }
  const ui: Record<string, unknown> = { positions };
  if (layout.groups.length > 0) ui.groups = layout.groups;
  if (layout.notes.length > 0) ui.notes = layout.notes;
  // ComfyUI's canvas offset and scale, kept as they are: the editor's viewport counts differently.
  if (layout.viewport) ui.comfyuiCanvas = layout.viewport;
  return { ...converted.workflow, ui };
}

/** Any ComfyUI workflow (API or UI format) as a latentflow workflow; latentflow workflows pass through unchanged. */
export function toLatentflowWorkflow(value: unknown, env: ComfyEnvironment): ConvertedWorkflow & { format: WorkflowFormat } {
  const format = detectFormat(value);
  if (format === 'latentflow') return { workflow: value as Workflow, origin: {}, format };
  if (format === 'comfyui-api') return { ...apiPromptToWorkflow(value, env), format };
  if (format === 'comfyui-ui') {
    const { prompt, layout } = uiWorkflowToApiPrompt(value);
    const converted = apiPromptToWorkflow(prompt, env);
    return { ...converted, workflow: placed(converted, layout), format };
  }
  return failWith('comfy_invalid_prompt', 'Neither a latentflow workflow nor a ComfyUI workflow (API format {id: {class_type, inputs}} or UI format {nodes, links})');
}
