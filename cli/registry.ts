import { createStderrLogger, type Registry } from '../runtime/index.ts';
import { loadRegistry as loadServerRegistry } from '../server/plugins.ts';

export const DEFAULT_PLUGINS_DIR = './plugins';

/**
 * The server's registry (built-in nodes plus every plugin in `pluginsDir`). Anything that fails to load is
 * reported on stderr and skipped, so validation then names the node types that are missing.
 */
export async function loadRegistry(pluginsDir: string): Promise<Registry> {
  const log = createStderrLogger('warn');
  return (await loadServerRegistry({ builtinNodes: true, plugins: [], pluginsDir, log })).registry;
}
