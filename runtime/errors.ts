import type { ErrorInfo, Issue } from '../contract/index.ts';

/**
 * Every failure the runtime itself reports, by stable code. Validation problems use the first group;
 * the rest are thrown as `LatentflowError`. Messages are for people; clients match on `code`.
 * Other layers own their codes (models/errors.ts, nodes/lib/errors.ts, server/errors.ts); a node may
 * throw any error with a snake_case `code` and the executor keeps that code.
 */
export const VALIDATION_CODES = [
  'invalid_workflow',
  'json_too_deep',
  'json_too_large',
  'node_version_unsupported',
  'migration_failed',
  'unknown_node_type',
  'missing_input',
  'unknown_input',
  'bad_link',
  'type_mismatch',
  'out_of_range',
  'not_multiple_of_step',
  'not_in_choices',
  'cycle',
  'no_output',
] as const;

export const RUNTIME_CODES = [
  'node_failed',
  'cancelled',
  'output_not_serializable',
  'plugin_load_failed',
  'plugin_invalid',
  'plugin_runtime_mismatch',
  'plugin_missing_dependency',
  'duplicate_node_type',
  'bad_override',
  'unknown_hook',
  'backend_unavailable',
  'model_load_failed',
  'inference_failed',
  'session_closed',
  'path_escape',
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];
export type RuntimeCode = (typeof RUNTIME_CODES)[number];
export type ErrorCode = ValidationCode | RuntimeCode;

export interface ErrorDetails {
  nodeId?: string;
  nodeType?: string;
  input?: string;
  /** For `invalid_workflow`: every problem found. */
  issues?: Issue[];
  cause?: unknown;
}

export class LatentflowError extends Error {
  /** One of this module's codes, or the code of the layer or plugin that threw (`unknown_sampler`, ...). */
  readonly code: string;
  nodeId?: string;
  nodeType?: string;
  input?: string;
  issues?: Issue[];

  constructor(code: ErrorCode | (string & {}), message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'LatentflowError';
    this.code = code;
    if (details.nodeId !== undefined) this.nodeId = details.nodeId;
    if (details.nodeType !== undefined) this.nodeType = details.nodeType;
    if (details.input !== undefined) this.input = details.input;
    if (details.issues !== undefined) this.issues = details.issues;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.nodeId !== undefined) info.nodeId = this.nodeId;
    if (this.nodeType !== undefined) info.nodeType = this.nodeType;
    if (this.input !== undefined) info.input = this.input;
    if (this.issues !== undefined) info.issues = this.issues;
    return info;
  }
}

const STABLE_CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/**
 * The stable code an error carries: ours, or another layer's (`checkpoint_corrupt`, `unknown_sampler`).
 * Node.js system codes (`ENOENT`, `ERR_...`) are not stable codes of ours and give undefined.
 */
export function stableCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STABLE_CODE.test(code) ? code : undefined;
}

export function isLatentflowError(error: unknown, code?: ErrorCode | (string & {})): error is LatentflowError {
  return error instanceof LatentflowError && (code === undefined || error.code === code);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const nodeFailed = (nodeId: string, nodeType: string, cause: unknown) =>
  new LatentflowError('node_failed', `Node "${nodeId}" (${nodeType}) failed: ${messageOf(cause)}`, {
    nodeId,
    nodeType,
    cause,
  });

export const cancelled = (cause?: unknown, message = 'The run was cancelled') => new LatentflowError('cancelled', message, { cause });

/** A node whose `execute` broke its contract; the executor adds which node (`node_failed`). */
export const badNodeResult = (reason: string) => new LatentflowError('node_failed', reason);

export const inferenceFailed = (message: string, cause?: unknown) => new LatentflowError('inference_failed', message, { cause });

/**
 * A session program's failure rebuilt on the caller's side of the thread boundary: with the stable code
 * and attribution it was thrown with (`unknown_sampler`, ...), else as `inference_failed`.
 */
export const programFailed = (modelPath: string, thrown: { message: string; code?: string; nodeId?: string; nodeType?: string; input?: string }) => {
  const code = stableCodeOf(thrown);
  const message = code === undefined ? `a session program on ${modelPath} failed: ${thrown.message}` : thrown.message;
  return new LatentflowError(code ?? 'inference_failed', message, { nodeId: thrown.nodeId, nodeType: thrown.nodeType, input: thrown.input });
};

export const sessionClosed = (modelPath: string) => new LatentflowError('session_closed', `the session for ${modelPath} was closed`);

export const modelLoadFailed = (message: string, cause?: unknown) => new LatentflowError('model_load_failed', message, { cause });

export const backendUnavailable = (message: string) => new LatentflowError('backend_unavailable', message);

export const outputNotSerializable = (nodeId: string, nodeType: string, path: string) =>
  new LatentflowError(
    'output_not_serializable',
    `Output node "${nodeId}" (${nodeType}) returned a value that is not plain JSON at ${path}; ` +
      'output nodes must return small JSON summaries (file names, sizes), not tensors',
    { nodeId, nodeType },
  );

export const pluginLoadFailed = (path: string, cause: unknown) =>
  new LatentflowError('plugin_load_failed', `Plugin at ${path} failed to load: ${messageOf(cause)}`, { cause });

export const pluginInvalid = (path: string, reason: string) =>
  new LatentflowError('plugin_invalid', `Plugin at ${path} is not a valid plugin: ${reason}`);

export const pluginRuntimeMismatch = (plugin: string, range: string, runtimeVersion: string) =>
  new LatentflowError(
    'plugin_runtime_mismatch',
    `Plugin "${plugin}" needs runtime ${range}, but this runtime API is version ${runtimeVersion}`,
  );

export const pluginMissingDependency = (plugin: string, missing: string[]) =>
  new LatentflowError(
    'plugin_missing_dependency',
    `Plugin "${plugin}" depends on ${missing.map((name) => `"${name}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not loaded`,
  );

export const duplicateNodeType = (nodeType: string, existingPlugin: string, newPlugin: string) =>
  new LatentflowError(
    'duplicate_node_type',
    `Node type "${nodeType}" from plugin "${newPlugin}" is already registered by plugin "${existingPlugin}"`,
    { nodeType },
  );

/** An override key that names no node; the message comes from contract/overrides.ts. */
export const badOverride = (message: string) => new LatentflowError('bad_override', message);

export const unknownHook = (name: string, known: readonly string[]) =>
  new LatentflowError('unknown_hook', `Unknown hook "${name}"; hooks are ${known.join(', ')}`);

export const pathEscape = (name: string, folder: string) =>
  new LatentflowError('path_escape', `"${name}" is not a name inside ${folder}: it leaves the folder (by "..", an absolute path or a symlink)`);
