import { readPngWorkflow } from './png-workflow.ts';
import { EditorError } from '../errors.ts';
import { asWorkflow, type Workflow } from './types.ts';

/** Reads a workflow from a dropped or chosen file: workflow JSON, or a PNG saved by SaveImage. */
export async function workflowFromFile(file: File): Promise<Workflow> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isPng = file.type === 'image/png' || file.name.toLowerCase().endsWith('.png');
  if (isPng) return readPngWorkflow(bytes, file.name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new EditorError('bad_workflow', `${file.name} is neither a PNG nor workflow JSON`, { cause });
  }
  return asWorkflow(parsed, file.name);
}

export function downloadWorkflow(name: string, workflow: Workflow): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(workflow, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${name}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
