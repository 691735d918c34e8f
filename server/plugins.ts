import { createRegistry, isLatentflowError, loadPlugins, type Logger, type PluginDefinition, type Registry } from '../runtime/index.ts';
import type { PluginStatus } from './context.ts';

const errorCode = (error: unknown) => (isLatentflowError(error) ? error.code : 'plugin_load_failed');

/** The registry of every node type the server can run: built-in nodes, given plugins, then the plugins folder. */
export async function loadRegistry(options: {
  builtinNodes: boolean;
  plugins: PluginDefinition[];
  pluginsDir: string;
  log: Logger;
}): Promise<{ registry: Registry; status: PluginStatus }> {
  const registry = createRegistry();
  const status: PluginStatus = { loaded: [], failed: [] };
  const sources: [string, () => Promise<PluginDefinition>][] = options.plugins.map((plugin) => [`(given) ${plugin.name}`, async () => plugin]);
  if (options.builtinNodes) {
    sources.unshift(['nodes/index.ts', async () => ((await import('../nodes/index.ts')) as { default: PluginDefinition }).default]);
  }
  for (const [source, load] of sources) {
    try {
      const plugin = await load();
      registry.register(plugin);
      status.loaded.push({ name: plugin.name, version: plugin.version, source, nodes: plugin.nodes.map((node) => node.type) });
    } catch (error) {
      status.failed.push({ source, code: errorCode(error), message: error instanceof Error ? error.message : String(error) });
    }
  }
  const report = await loadPlugins(options.pluginsDir, registry);
  for (const plugin of report.loaded) status.loaded.push({ name: plugin.name, version: plugin.version, source: plugin.path, nodes: plugin.nodes });
  for (const failure of report.failed) status.failed.push({ source: failure.path, code: failure.error.code, message: failure.error.message });
  for (const failure of status.failed) options.log.error('Plugin failed to load', failure);
  return { registry, status };
}
