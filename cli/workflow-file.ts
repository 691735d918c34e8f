import { readFileSync, statSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { ComfyConversionError, comfyEnvironment, detectFormat, toLatentflowWorkflow, type ComfyIssue, type WorkflowFormat } from '../compat/comfyui/index.ts';
import { isPng, readPngText } from '../nodes/lib/png.ts';
import type { Registry } from '../runtime/index.ts';
import { UsageError } from './args.ts';

/** Reads a workflow file. A missing file, a folder or an unreadable file is a usage error; a file that is not JSON is reported as invalid. */
export function readWorkflowFile(path: string | undefined): { ok: true; workflow: unknown } | { ok: false; message: string } {
  if (path === undefined) throw new UsageError('missing <workflow.json>');
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) throw new UsageError(`workflow file not found: ${path}`);
  if (stats.isDirectory()) throw new UsageError(`${path} is a folder, not a workflow file`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return { ok: true, workflow: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `${path} is not valid JSON: ${(error as Error).message}` };
  }
}

/** A file read as a latentflow workflow; a ComfyUI document that does not convert carries the conversion's issues. */
export type AnyWorkflowFile = { ok: true; workflow: unknown; format: WorkflowFormat | 'unknown' } | { ok: false; message: string; issues?: ComfyIssue[] };

/** The workflow a PNG carries: latentflow's or ComfyUI's UI format under "workflow", else ComfyUI's API format under "prompt". */
function workflowInPng(path: string, bytes: Uint8Array): { ok: true; workflow: unknown } | { ok: false; message: string } {
  const text = readPngText(bytes, (data) => inflateSync(data));
  for (const key of ['workflow', 'prompt']) {
    if (text[key] === undefined) continue;
    try {
      const parsed: unknown = JSON.parse(text[key]);
      if (detectFormat(parsed) !== undefined) return { ok: true, workflow: parsed };
    } catch {
      // Not JSON: try the next key.
    }
  }
  return { ok: false, message: `${path} carries no workflow (no latentflow or ComfyUI "workflow"/"prompt" text chunk)` };
}

/**
 * Reads a latentflow workflow, a ComfyUI workflow (API or UI format) or a PNG carrying either, as a latentflow
 * workflow. ComfyUI documents convert through compat/comfyui; a latentflow one is returned as it is, for validation.
 */
export function readAnyWorkflowFile(path: string | undefined, options: { registry: Registry; dataDir: string; inputDir: string }): AnyWorkflowFile {
  const isPngFile = path !== undefined && path.toLowerCase().endsWith('.png');
  const file = isPngFile ? readPngWorkflowFile(path) : readWorkflowFile(path);
  if (!file.ok) return file;
  const format = detectFormat(file.workflow);
  if (format === undefined || format === 'latentflow') return { ok: true, workflow: file.workflow, format: format ?? 'unknown' };
  try {
    return { ok: true, workflow: toLatentflowWorkflow(file.workflow, comfyEnvironment(options)).workflow, format };
  } catch (error) {
    if (!(error instanceof ComfyConversionError)) throw error;
    const lines = error.issues.map((issue) => `  [${issue.code}] ${issue.message}`);
    return { ok: false, message: `${path} (ComfyUI ${format} format) cannot be converted:\n${lines.join('\n')}`, issues: error.issues };
  }
}

function readPngWorkflowFile(path: string) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) throw new UsageError(`workflow file not found: ${path}`);
  if (stats.isDirectory()) throw new UsageError(`${path} is a folder, not a workflow file`);
  const bytes = readFileSync(path);
  if (!isPng(bytes)) return { ok: false as const, message: `${path} is not a PNG file` };
  return workflowInPng(path, bytes);
}
