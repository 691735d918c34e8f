import fs from 'node:fs/promises';
import path from 'node:path';
import { invalidName, pathEscape } from '../errors.ts';

const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** A plain file name: letters, digits, `.`, `_`, `-`; no separators, no leading dot, no `..`. */
export function assertFileName(what: string, name: string): void {
  if (!FILE_NAME.test(name) || name.includes('..')) {
    throw invalidName(what, name, 'use letters, digits, ".", "_" and "-" (at most 128), not starting with "." and without ".."');
  }
}

const isInside = (dir: string, file: string) => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/**
 * The path of `name` inside `dir`, after checking that it really stays there: the name is a plain
 * file name and, when the file exists, its real path (symlinks resolved) is inside the real `dir`.
 */
export async function resolveInside(dir: string, name: string, what = 'file name'): Promise<string> {
  assertFileName(what, name);
  const realDir = await fs.realpath(dir);
  const candidate = path.join(realDir, name);
  let realFile: string;
  try {
    realFile = await fs.realpath(candidate);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // A dangling symlink has no real path but must not be written through either.
      const link = await fs.lstat(candidate).catch(() => undefined);
      if (link?.isSymbolicLink()) throw pathEscape(name);
      return candidate;
    }
    throw error;
  }
  if (!isInside(realDir, realFile)) throw pathEscape(name);
  return realFile;
}
