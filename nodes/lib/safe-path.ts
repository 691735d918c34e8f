import path from 'node:path';

/**
 * Resolves `name` (which may contain sub-folders) inside `root`, refusing anything that would
 * leave it: absolute paths, `..` segments, drive letters, or the folder itself.
 */
export function resolveInside(root: string, name: string): string {
  const base = path.resolve(root);
  const resolved = path.resolve(base, name);
  if (name === '' || path.isAbsolute(name) || !resolved.startsWith(base + path.sep)) {
    throw new Error(`"${name}" is not a name inside ${root}`);
  }
  return resolved;
}
