import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathEscape } from './errors.ts';

const isInside = (dir: string, file: string) => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

const isMissing = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

function realpathIfAny(file: string): string | undefined {
  try {
    return realpathSync.native(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function lstatIfAny(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/**
 * The real path of `name` (a relative path that may have sub-folders) inside `root`, checked twice:
 * as text (no absolute path, no `..` out, not the folder itself), and on disk, where symlinks are
 * resolved, so a link planted inside that points out (to a file, a folder, or nowhere yet: a write
 * would follow it) is refused. For a name that does not exist yet, its nearest existing folder must
 * be inside. Throws `path_escape` otherwise. A check, then a use: a writer racing to swap a folder
 * for a link in between is outside what this guards. The file-system calls are synchronous: each is
 * microseconds of metadata work, where a hop through libuv's thread pool and back costs a tenth of a millisecond.
 */
export async function resolveInside(root: string, name: string): Promise<string> {
  const base = path.resolve(root);
  const wanted = path.resolve(base, name);
  if (name === '' || name.includes('\0') || path.isAbsolute(name) || !isInside(base, wanted)) throw pathEscape(name, root);
  const realRoot = realpathIfAny(base);
  if (realRoot === undefined) return wanted;

  const relative = path.relative(base, wanted).split(path.sep);
  for (let depth = relative.length; depth > 0; depth--) {
    const candidate = path.join(realRoot, ...relative.slice(0, depth));
    const real = realpathIfAny(candidate);
    if (real === undefined) {
      const link = lstatIfAny(candidate);
      if (link?.isSymbolicLink()) throw pathEscape(name, root);
      continue;
    }
    const inside = depth === relative.length ? isInside(realRoot, real) : real === realRoot || isInside(realRoot, real);
    if (!inside) throw pathEscape(name, root);
    return path.join(real, ...relative.slice(depth));
  }
  return path.join(realRoot, ...relative);
}
