import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from './args.ts';

/** Reads a workflow file. A missing file is a usage error; a file that is not JSON is reported as invalid. */
export function readWorkflowFile(path: string | undefined): { ok: true; workflow: unknown } | { ok: false; message: string } {
  if (path === undefined) throw new UsageError('missing <workflow.json>');
  if (!existsSync(path)) throw new UsageError(`workflow file not found: ${path}`);
  try {
    return { ok: true, workflow: JSON.parse(readFileSync(path, 'utf8')) };
  } catch (error) {
    return { ok: false, message: `${path} is not valid JSON: ${(error as Error).message}` };
  }
}
