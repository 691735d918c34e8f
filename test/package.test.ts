import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { satisfies } from '../runtime/semver.ts';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  exports: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: Record<string, string> | string[]; dev?: boolean; version?: string }>;
};

/** The bare package names that the source files under `folders` import at run time (`@scope/name` or `name`). */
function importedPackages(folders: string[]): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) {
        // Type-only imports are erased before anything runs: their packages are for the type checker.
        const code = readFileSync(path, 'utf8').replace(/^import type [^;]*;$/gm, '');
        for (const [, specifier] of code.matchAll(/\b(?:from|import)\s*\(?\s*'([@a-z][\w@/.:-]*)'/g)) {
          if (specifier.startsWith('node:')) continue;
          names.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
        }
      }
    }
  };
  for (const folder of folders) visit(join(root, folder));
  return names;
}

const SERVER_SIDE = ['bin', 'cli', 'runtime', 'nodes', 'models', 'server'];

describe('package.json', () => {
  it('claims a Node version that every installed package supports', () => {
    const oldest = pkg.engines.node.replace(/^>=\s*/, '').split('.').concat('0', '0').slice(0, 3).join('.');
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !Array.isArray(entry.engines) && entry.engines?.node !== undefined)
      .filter(([, entry]) => !satisfies(oldest, (entry.engines as Record<string, string>).node))
      .map(([path, entry]) => `${path}@${entry.version} wants node ${(entry.engines as Record<string, string>).node}`);
    expect(refusing).toEqual([]);
  });

  it('lists what the CLI and server import at run time as dependencies, and nothing only the browser or the type checker needs', () => {
    const serverSide = importedPackages(SERVER_SIDE);
    expect([...serverSide].filter((name) => !(name in pkg.dependencies) && name !== 'latentflow')).toEqual([]);
    const browserOnly = [...importedPackages(['editor/src'])].filter((name) => !serverSide.has(name));
    expect(browserOnly.filter((name) => name in pkg.dependencies)).toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((name) => name.startsWith('@types/'))).toEqual([]);
    expect(pkg.dependencies).toHaveProperty('tsx');
  });

  it('exports the runtime API as "latentflow" and the built-in nodes as "latentflow/nodes"', () => {
    expect(pkg.exports).toMatchObject({ '.': './runtime/index.ts', './nodes': './nodes/index.ts' });
  });

  it('skips the CUDA download of onnxruntime-node through allowScripts, with no project config npm does not know', () => {
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    const npm = spawnSync('npm', ['config', 'get', 'fund'], { cwd: root, encoding: 'utf8' });
    expect(npm.status).toBe(0);
    expect(npm.stderr).not.toMatch(/Unknown project config/);
  });
});
