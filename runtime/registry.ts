import type { NodeDescription } from '../contract/index.ts';
import { describeNode } from './describe.ts';
import { duplicateNodeType, pluginMissingDependency, pluginRuntimeMismatch } from './errors.ts';
import type { NodeDefinition } from './node-definition.ts';
import type { PluginDefinition } from './plugin.ts';
import { satisfies } from './semver.ts';
import { RUNTIME_API_VERSION } from './version.ts';

/** The node types a runtime knows, each remembered with the plugin that brought it. */
export interface Registry {
  /** Adds every node of the plugin, or none: refuses an incompatible runtime range, a missing dependency or a taken type name. */
  register(plugin: PluginDefinition): void;
  get(type: string): NodeDefinition | undefined;
  has(type: string): boolean;
  /** Name of the plugin that registered the type. */
  pluginOf(type: string): string | undefined;
  types(): string[];
  plugins(): PluginDefinition[];
  describe(): NodeDescription[];
}

export function createRegistry(): Registry {
  const definitions = new Map<string, { definition: NodeDefinition; plugin: string }>();
  const plugins: PluginDefinition[] = [];

  return {
    register(plugin) {
      if (plugin.runtime !== undefined && !satisfies(RUNTIME_API_VERSION, plugin.runtime)) {
        throw pluginRuntimeMismatch(plugin.name, plugin.runtime, RUNTIME_API_VERSION);
      }
      const missing = (plugin.dependencies ?? []).filter((name) => !plugins.some((p) => p.name === name));
      if (missing.length > 0) throw pluginMissingDependency(plugin.name, missing);
      const seen = new Set<string>();
      for (const node of plugin.nodes) {
        const taken = definitions.get(node.type)?.plugin ?? (seen.has(node.type) ? plugin.name : undefined);
        if (taken !== undefined) throw duplicateNodeType(node.type, taken, plugin.name);
        seen.add(node.type);
      }
      for (const node of plugin.nodes) definitions.set(node.type, { definition: node, plugin: plugin.name });
      plugins.push(plugin);
    },
    get: (type) => definitions.get(type)?.definition,
    has: (type) => definitions.has(type),
    pluginOf: (type) => definitions.get(type)?.plugin,
    types: () => [...definitions.keys()],
    plugins: () => [...plugins],
    describe: () => [...definitions.values()].map(({ definition, plugin }) => describeNode(definition, plugin)),
  };
}
