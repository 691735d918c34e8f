import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LatentflowError, pluginInvalid, pluginLoadFailed } from './errors.ts';
import type { PluginDefinition } from './plugin.ts';
import type { Registry } from './registry.ts';

export interface PluginLoadReport {
  loaded: { name: string; version: string; path: string; nodes: string[] }[];
  /** Plugins that were refused; the others still loaded. */
  failed: { path: string; error: LatentflowError }[];
}

const MODULE_FILE = /\.(ts|mts|js|mjs)$/;
const INDEX_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];

/**
 * Loads every plugin in `dir` (a folder or package per plugin, or a single module file) into the registry,
 * each after the plugins it depends on. A missing `dir` holds no plugins.
 */
export async function loadPlugins(dir: string, registry: Registry): Promise<PluginLoadReport> {
  if (!existsSync(dir)) return { loaded: [], failed: [] };
  const names = readdirSync(dir).sort().filter((name) => !name.startsWith('.') && name !== 'node_modules');
  return loadEntries(names.map((name) => resolve(dir, name)), registry, { skipNonPlugins: true });
}

/**
 * Loads the one plugin at `path` (its folder, package or module file), whatever sits beside it:
 * what a plugin's own test uses, so that another plugin in the same folder cannot fail it.
 */
export function loadPlugin(path: string, registry: Registry): Promise<PluginLoadReport> {
  return loadEntries([resolve(path)], registry, { skipNonPlugins: false });
}

async function loadEntries(paths: string[], registry: Registry, options: { skipNonPlugins: boolean }): Promise<PluginLoadReport> {
  const report: PluginLoadReport = { loaded: [], failed: [] };
  let pending: { path: string; plugin: PluginDefinition }[] = [];
  for (const path of paths) {
    try {
      const entry = entryOf(path);
      if (entry === undefined) {
        if (options.skipNonPlugins) continue;
        throw pluginInvalid(path, `it has no package.json entry nor ${INDEX_FILES.join('/')}, and is not a module file`);
      }
      pending.push({ path, plugin: await importPlugin(path, entry) });
    } catch (error) {
      report.failed.push({ path, error: error instanceof LatentflowError ? error : pluginLoadFailed(path, error) });
    }
  }
  while (pending.length > 0) {
    const registered = new Set(registry.plugins().map((p) => p.name));
    const ready = pending.filter(({ plugin }) => (plugin.dependencies ?? []).every((name) => registered.has(name)));
    // With nothing ready, register the rest anyway so each reports what it is missing.
    const batch = ready.length > 0 ? ready : pending;
    pending = pending.filter((item) => !batch.includes(item));
    for (const { path, plugin } of batch) {
      try {
        registry.register(plugin);
        report.loaded.push({ name: plugin.name, version: plugin.version, path, nodes: plugin.nodes.map((n) => n.type) });
      } catch (error) {
        report.failed.push({ path, error: error as LatentflowError });
      }
    }
  }
  report.failed.sort((a, b) => (a.path < b.path ? -1 : 1));
  return report;
}

/** The module to import for a plugin folder or file; undefined for anything that is not a plugin (e.g. a README). */
function entryOf(path: string): string | undefined {
  if (!statSync(path).isDirectory()) return MODULE_FILE.test(path) && !path.includes('.test.') ? path : undefined;
  const manifest = join(path, 'package.json');
  if (existsSync(manifest)) return join(path, packageEntry(manifest));
  const index = INDEX_FILES.find((file) => existsSync(join(path, file)));
  return index === undefined ? undefined : join(path, index);
}

/** The `exports` (root, import condition) or `main` field of a package.json, defaulting to index.js. */
function packageEntry(manifest: string): string {
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: unknown; exports?: unknown };
  const root = typeof json.exports === 'object' && json.exports !== null && '.' in json.exports
    ? (json.exports as Record<string, unknown>)['.']
    : json.exports;
  const conditional = typeof root === 'object' && root !== null ? root as Record<string, unknown> : {};
  const candidates = [root, conditional.import, conditional.default, json.main];
  return (candidates.find((c) => typeof c === 'string') as string | undefined) ?? 'index.js';
}

async function importPlugin(path: string, entry: string): Promise<PluginDefinition> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw pluginLoadFailed(path, error);
  }
  const plugin = module.default ?? module.plugin;
  const problem = shapeProblem(plugin);
  if (problem !== undefined) throw pluginInvalid(path, problem);
  return plugin as PluginDefinition;
}

function shapeProblem(plugin: unknown): string | undefined {
  if (typeof plugin !== 'object' || plugin === null) return 'the module has no default or `plugin` export made with definePlugin';
  const { name, version, runtime, nodes } = plugin as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return '`name` must be a non-empty string';
  if (typeof version !== 'string') return '`version` must be a string';
  if (runtime !== undefined && typeof runtime !== 'string') return '`runtime` must be a semver range string';
  const { dependencies } = plugin as Record<string, unknown>;
  if (dependencies !== undefined && !(Array.isArray(dependencies) && dependencies.every((d) => typeof d === 'string'))) {
    return '`dependencies` must be an array of plugin names';
  }
  if (!Array.isArray(nodes)) return '`nodes` must be an array of node definitions';
  const bad = nodes.findIndex(
    (node: unknown) => typeof (node as { type?: unknown })?.type !== 'string' || typeof (node as { execute?: unknown })?.execute !== 'function',
  );
  if (bad !== -1) return `nodes[${bad}] is not a node definition (needs a string \`type\` and an \`execute\` function)`;
  const badVersion = nodes.findIndex(({ version, migrate }: { version?: unknown; migrate?: unknown }) =>
    (version !== undefined && !(Number.isInteger(version) && (version as number) >= 1)) || (migrate !== undefined && typeof migrate !== 'function'));
  return badVersion === -1 ? undefined : `nodes[${badVersion}] needs \`version\` to be a whole number from 1 and \`migrate\` to be a function`;
}
