import { detectFormat } from '../../../compat/comfyui/detect.ts';
import { api } from '../api/client.ts';
import { readPngWorkflowDocument } from './png-workflow.ts';
import { EditorError } from '../errors.ts';
import { asWorkflow, type Workflow } from './types.ts';

/**
 * Reads a workflow from a dropped or chosen file: workflow JSON, or a PNG saved by SaveImage. ComfyUI workflows
 * (API or UI format, as JSON or in a ComfyUI PNG) go to the server's converter, the one the CLI and API use.
 */
export async function workflowFromFile(file: File, convertComfyUi: (document: unknown) => Promise<Workflow> = api.importComfyWorkflow): Promise<Workflow> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isPng = file.type === 'image/png' || file.name.toLowerCase().endsWith('.png');
  let parsed: unknown;
  if (isPng) parsed = await readPngWorkflowDocument(bytes, file.name);
  else {
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch (cause) {
      throw new EditorError('bad_workflow', `${file.name} is neither a PNG nor workflow JSON`, { cause });
    }
  }
  const format = detectFormat(parsed);
  if (format === 'comfyui-api' || format === 'comfyui-ui') return asWorkflow(await convertComfyUi(parsed), file.name);
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
