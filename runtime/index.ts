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

export { WorkflowSchema, LinkSchema, isLink } from './workflow.ts';
export type { Workflow, WorkflowNode, Link, InputValue } from './workflow.ts';
export { createRegistry } from './registry.ts';
export type { Registry } from './registry.ts';
export type { NodeDescription, InputDescription } from './describe.ts';
export { validateWorkflow, socketTypesMatch } from './validate.ts';
export type { ValidationIssue } from './validate.ts';
export { applyOverrides, overrideInputs } from './overrides.ts';

export { createExecutor } from './executor.ts';
export type { Executor, ExecutorOptions, RunOptions, RunResult } from './executor.ts';
export { HOOK_NAMES } from './hooks.ts';
export type { Hook, HookName, HookPayloads } from './hooks.ts';
export type { RunEvent, RunEventType, ErrorInfo } from './events.ts';
export { loadPlugin, loadPlugins } from './plugin-loader.ts';
export type { PluginLoadReport } from './plugin-loader.ts';

export { LatentflowError, isLatentflowError, cancelled, pathEscape, VALIDATION_CODES, RUNTIME_CODES } from './errors.ts';
export type { ErrorCode, ValidationCode } from './errors.ts';
export { resolveInside } from './safe-path.ts';
export { makeDirectory } from './make-directory.ts';
export { createStderrLogger, silentLogger, childLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';
