import { resolveInside } from '../../runtime/index.ts';
import { invalidName } from '../errors.ts';

const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_SUBFOLDERS = 8;

/** A plain file name: letters, digits, `.`, `_`, `-`; no separators, no leading dot, no `..`. */
export function assertFileName(what: string, name: string): void {
  if (!FILE_NAME.test(name) || name.includes('..')) {
    throw invalidName(what, name, 'use letters, digits, ".", "_" and "-" (at most 128), not starting with "." and without ".."');
  }
}

/**
 * The real path of the plain file `name` inside `dir` (see runtime's `resolveInside`: symlinks that
 * lead out are refused with `path_escape`). With `subfolders`, `name` may be a `/`-separated path
 * of plain names (what SaveImage's "portraits/cat" prefix writes).
 */
export async function resolveNamedFile(dir: string, name: string, what = 'file name', options: { subfolders?: boolean } = {}): Promise<string> {
  const parts = options.subfolders ? name.split('/') : [name];
  if (parts.length > MAX_SUBFOLDERS + 1) throw invalidName(what, name, `at most ${MAX_SUBFOLDERS} sub-folders`);
  for (const part of parts) assertFileName(what, part);
  return resolveInside(dir, name);
}
