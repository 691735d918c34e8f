import { createRegistry, loadPlugins, type PluginDefinition, type Registry } from '../runtime/index.ts';

export const DEFAULT_PLUGINS_DIR = './plugins';

/**
 * The built-in nodes plus every plugin in `pluginsDir`. Anything that fails to load is reported on stderr
 * and skipped, so validation then names the node types that are missing.
 */
export async function loadRegistry(pluginsDir: string): Promise<Registry> {
  const registry = createRegistry();
  try {
    const builtin = (await import('../nodes/index.ts')) as { default: PluginDefinition };
    registry.register(builtin.default);
  } catch (error) {
    process.stderr.write(`warning: the built-in nodes failed to load: ${(error as Error).message}\n`);
  }
  const report = await loadPlugins(pluginsDir, registry);
  for (const { error } of report.failed) process.stderr.write(`warning: ${error.message} [${error.code}]\n`);
  return registry;
}
