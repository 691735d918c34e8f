import { readFileSync, statSync } from 'node:fs';
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
