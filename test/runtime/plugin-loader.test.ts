import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, loadPlugin, loadPlugins } from '../../runtime/index.ts';

const root = mkdtempSync(join(tmpdir(), 'latentflow-plugins-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const runtimeUrl = pathToFileURL(join(import.meta.dirname, '../../runtime/index.ts')).href;

/** Source of a plugin module with one output node type per name. */
function pluginSource(name: string, types: string[], extra = '', exportLine = 'export default'): string {
  const nodes = types
    .map((type) => `defineNode({ type: '${type}', displayName: '${type}', category: 'x', description: '', output: true, inputs: {}, outputs: {}, execute: async () => ({}) })`)
    .join(', ');
  return `import { defineNode, definePlugin } from '${runtimeUrl}';\n${exportLine} definePlugin({ name: '${name}', version: '1.2.3', ${extra} nodes: [${nodes}] });\n`;
}

function write(dir: string, files: Record<string, string>): string {
  const path = join(root, dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(path, file, '..'), { recursive: true });
    writeFileSync(join(path, file), text);
  }
  return path;
}

describe('loadPlugins', () => {
  it('loads good plugins and reports broken, duplicate and incompatible ones while the rest still load', async () => {
    const dir = write('mixed', {
      'a-good/index.ts': pluginSource('good', ['Alpha'], "runtime: '^1',"),
      'b-package/package.json': JSON.stringify({ name: 'b', type: 'module', exports: { '.': { import: './lib/entry.js' } } }),
      'b-package/lib/entry.js': pluginSource('packaged', ['Beta'], '', 'export const plugin ='),
      'c-broken/index.ts': 'import { nothing } from "./missing.ts";\nexport default nothing;\n',
      'd-duplicate/index.mjs': pluginSource('copycat', ['Alpha']),
      'e-future/index.ts': pluginSource('future', ['Gamma'], "runtime: '^2',"),
      'f-not-a-plugin/index.js': 'export default { name: "x", version: "1", nodes: [{ type: "Y" }] };\n',
      'g-no-export/index.js': 'export const something = 1;\n',
      'h-main/package.json': JSON.stringify({ main: 'main.mjs' }),
      'h-main/main.mjs': pluginSource('by-main', ['Delta']),
      'single.mjs': pluginSource('single-file', ['Epsilon']),
      'README.md': 'not a plugin',
      'empty-folder/notes.txt': 'no module here',
      '.hidden/index.js': 'throw new Error("never imported")',
    });
    const registry = createRegistry();
    const report = await loadPlugins(dir, registry);

    expect(report.loaded.map((p) => [p.name, p.version, p.nodes])).toEqual([
      ['good', '1.2.3', ['Alpha']],
      ['packaged', '1.2.3', ['Beta']],
      ['by-main', '1.2.3', ['Delta']],
      ['single-file', '1.2.3', ['Epsilon']],
    ]);
    expect(registry.types().sort()).toEqual(['Alpha', 'Beta', 'Delta', 'Epsilon']);
    const failures = report.failed.map((f) => [f.path.slice(dir.length + 1), f.error.code]);
    expect(failures).toEqual([
      ['c-broken', 'plugin_load_failed'],
      ['d-duplicate', 'duplicate_node_type'],
      ['e-future', 'plugin_runtime_mismatch'],
      ['f-not-a-plugin', 'plugin_invalid'],
      ['g-no-export', 'plugin_invalid'],
    ]);
    const messages = report.failed.map((f) => f.error.message);
    expect(messages[0]).toMatch(/c-broken failed to load: .*missing/);
    expect((report.failed[0].error.cause as Error).message).toMatch(/missing/);
    expect(messages[1]).toBe('Node type "Alpha" from plugin "copycat" is already registered by plugin "good"');
    expect(messages[2]).toContain('needs runtime ^2');
    expect(messages[3]).toContain('nodes[0] is not a node definition');
    expect(messages[4]).toContain('no default or `plugin` export');
  });

  it('registers plugins after the plugins they depend on, and reports missing dependencies', async () => {
    const dir = write('dependencies', {
      'a-extension/index.mjs': pluginSource('extension', ['Extended'], "dependencies: ['z-base'],"),
      'b-orphan/index.mjs': pluginSource('orphan', ['Orphaned'], "dependencies: ['nowhere'],"),
      'c-bad/index.mjs': pluginSource('bad', ['Bad'], 'dependencies: "z-base",'),
      'z-base/index.mjs': pluginSource('z-base', ['Base']),
    });
    const registry = createRegistry();
    const report = await loadPlugins(dir, registry);
    expect(report.loaded.map((p) => p.name)).toEqual(['z-base', 'extension']);
    expect(report.failed.map((f) => [f.path.slice(dir.length + 1), f.error.code])).toEqual([
      ['b-orphan', 'plugin_missing_dependency'],
      ['c-bad', 'plugin_invalid'],
    ]);
    expect(report.failed[0].error.message).toBe('Plugin "orphan" depends on "nowhere", which is not loaded');
    expect(report.failed[1].error.message).toContain('`dependencies` must be an array of plugin names');
  });

  it('checks the plugin fields one by one', async () => {
    const cases = {
      'no-name': '{ version: "1", nodes: [] }',
      'no-version': '{ name: "n", nodes: [] }',
      'bad-runtime': '{ name: "n", version: "1", runtime: 1, nodes: [] }',
      'no-nodes': '{ name: "n", version: "1" }',
      'node-version': '{ name: "n", version: "1", nodes: [{ type: "T", version: 0, execute() {} }] }',
      'node-migrate': '{ name: "n", version: "1", nodes: [{ type: "T", version: 2, migrate: "rename", execute() {} }] }',
    };
    const dir = write('fields', Object.fromEntries(Object.entries(cases).map(([name, body]) => [`${name}/index.js`, `export default ${body};\n`])));
    const report = await loadPlugins(dir, createRegistry());
    expect(report.failed.map((f) => f.error.message.split(': ').at(-1))).toEqual([
      '`runtime` must be a semver range string',
      '`name` must be a non-empty string',
      '`nodes` must be an array of node definitions',
      '`version` must be a string',
      'nodes[0] needs `version` to be a whole number from 1 and `migrate` to be a function',
      'nodes[0] needs `version` to be a whole number from 1 and `migrate` to be a function',
    ]);
  });

  it('treats a missing folder as no plugins, and a package without entry fields as index.js', async () => {
    expect(await loadPlugins(join(root, 'does-not-exist'), createRegistry())).toEqual({ loaded: [], failed: [] });
    const dir = write('defaults', {
      'pkg/package.json': '{"name":"pkg"}',
      'pkg/index.js': pluginSource('default-entry', ['Zeta']),
      'string-exports/package.json': '{"exports":"./entry.mjs"}',
      'string-exports/entry.mjs': pluginSource('string-exports', ['Eta']),
    });
    const report = await loadPlugins(dir, createRegistry());
    expect(report.failed).toEqual([]);
    expect(report.loaded.map((p) => p.name)).toEqual(['default-entry', 'string-exports']);
  });

  it('reports a plugin whose package.json is not JSON, and still loads the others', async () => {
    const dir = write('bad-manifest', {
      'a-bad/package.json': '{ "main": ',
      'b-good/index.ts': pluginSource('after-bad-manifest', ['Theta']),
    });
    const report = await loadPlugins(dir, createRegistry());
    expect(report.loaded.map((p) => p.name)).toEqual(['after-bad-manifest']);
    expect(report.failed.map((f) => [f.path.slice(dir.length + 1), f.error.code])).toEqual([['a-bad', 'plugin_load_failed']]);
    expect(report.failed[0].error.cause).toBeInstanceOf(SyntaxError);
  });
});

describe('loadPlugin', () => {
  it('loads one plugin whatever sits beside it, so a sibling that needs latentflow-builtin cannot fail it', async () => {
    const dir = write('siblings', {
      'mine/index.ts': pluginSource('mine', ['Mine'], "runtime: '^1',"),
      'docs-style/index.ts': pluginSource('docs-style', ['Theirs'], "runtime: '^1', dependencies: ['latentflow-builtin'],"),
      'broken/index.ts': 'throw new Error("broken at import");\n',
    });
    const registry = createRegistry();
    const report = await loadPlugin(join(dir, 'mine'), registry);
    expect(report).toEqual({ loaded: [expect.objectContaining({ name: 'mine', nodes: ['Mine'] })], failed: [] });
    expect(registry.plugins().map((p) => p.name)).toEqual(['mine']);
  });

  it('reports a path that is no plugin instead of skipping it', async () => {
    const dir = write('not-plugins', { 'empty/README.md': 'nothing here' });
    const report = await loadPlugin(join(dir, 'empty'), createRegistry());
    expect(report.failed.map((f) => f.error.code)).toEqual(['plugin_invalid']);
    expect((await loadPlugin(join(dir, 'missing'), createRegistry())).failed.map((f) => f.error.code)).toEqual(['plugin_load_failed']);
  });
});
