import { readFileSync } from 'node:fs';
import path from 'node:path';
import { comfyEnvironment } from '../../../compat/comfyui/index.ts';
import builtin from '../../../nodes/index.ts';
import { createRegistry } from '../../../runtime/index.ts';

export const REPO_DATA = path.resolve(import.meta.dirname, '../../../data');

/** The built-in nodes and the repository's models (shapes-tiny, tiny). */
export function builtinRegistry() {
  const registry = createRegistry();
  registry.register(builtin);
  return registry;
}

export const testEnvironment = () => comfyEnvironment({ registry: builtinRegistry(), dataDir: REPO_DATA });

/** A fresh copy of a hand-written ComfyUI workflow from fixtures/. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixture = (name: string): any => JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8'));
