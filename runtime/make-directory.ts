import { mkdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';

/** The entry's stats, or undefined when there is none (a path through a file has none either). */
function statIfAny(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

const errnoError = (code: string, message: string, file: string) => Object.assign(new Error(message), { code, path: file });

/**
 * `mkdir -p` that fails instead of hanging: Node's own recursive mkdir loops forever under /proc and
 * /sys (the kernel answers ENOENT for a folder whose parent exists). Creates each missing folder in
 * turn, and names the file when a path runs through one ("README.md is a file, not a folder").
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const stats = statIfAny(current);
    if (stats?.isDirectory()) break;
    if (stats) throw errnoError(current === path.resolve(dir) ? 'EEXIST' : 'ENOTDIR', `${current} is a file, not a folder`, current);
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
