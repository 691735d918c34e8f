import type { Hook, HookName } from './hooks.ts';
import type { NodeDefinition } from './node-definition.ts';

/** Lifecycle hooks a plugin adds to every executor made from its registry (e.g. metrics, audit logs). */
export type PluginHooks = { [N in HookName]?: Hook<N> };

/** A bundle of node types. Built-in nodes and third-party plugins share this one shape. */
export interface PluginDefinition {
  name: string;
  version: string;
  /** Semver range of the latentflow runtime API the plugin was written for, e.g. `^1`. */
  runtime?: string;
  description?: string;
  /** Names of plugins that must be registered first, e.g. `latentflow-builtin` for nodes that extend it. */
  dependencies?: string[];
  // Node definitions are generic in their inputs and outputs; a plugin holds any mix of them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  nodes: NodeDefinition<any, any>[];
  hooks?: PluginHooks;
}

export function definePlugin(plugin: PluginDefinition): PluginDefinition {
  return Object.freeze({ ...plugin, nodes: [...plugin.nodes] });
}
