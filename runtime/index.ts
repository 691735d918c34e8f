export {
  defineNode,
  socket,
  output,
  int,
  float,
  string,
  boolean,
  choice,
  seed,
} from './node-definition.ts';
export type {
  NodeDefinition,
  NodeContext,
  RunEnvironment,
  InputSpec,
  OutputSpec,
  SocketInput,
  WidgetInput,
  InputValues,
  OutputValues,
  Preview,
} from './node-definition.ts';
export { definePlugin } from './plugin.ts';
export type { PluginDefinition } from './plugin.ts';
export { RUNTIME_API_VERSION } from './version.ts';

export { WorkflowSchema, LinkSchema, isLink, checkJsonBounds } from '../contract/index.ts';
export type { Workflow, WorkflowNode, Link, InputValue, Issue, ErrorInfo } from '../contract/index.ts';
export { createRegistry } from './registry.ts';
export type { Registry } from './registry.ts';
export type { NodeDescription, InputDescription } from '../contract/index.ts';
export { validateWorkflow, prepareWorkflow, loadWorkflow, socketTypesMatch } from './validate.ts';
export type { ValidationIssue, LoadedWorkflow } from './validate.ts';
export { migrateWorkflow } from './migrate.ts';
export { applyOverrides, overrideInputs } from './overrides.ts';

export { createExecutor } from './executor.ts';
export type { Executor, ExecutorOptions, RunOptions, RunResult } from './executor.ts';
export { HOOK_NAMES } from './hooks.ts';
export type { Hook, HookName, HookPayloads } from './hooks.ts';
export type { RunEvent, RunEventType } from './events.ts';
export { loadPlugin, loadPlugins } from './plugin-loader.ts';
export type { PluginLoadReport } from './plugin-loader.ts';

export { LatentflowError, isLatentflowError, stableCodeOf, cancelled, pathEscape, VALIDATION_CODES, RUNTIME_CODES } from './errors.ts';
export type { ErrorCode, ValidationCode, RuntimeCode } from './errors.ts';
export { resolveInside } from './safe-path.ts';
export { makeDirectory } from './make-directory.ts';
export { createStderrLogger, silentLogger, childLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';
