import { randomUUID } from 'node:crypto';
import { createLruCache } from './cache.ts';
import { isLink, type ErrorInfo, type Workflow } from '../contract/index.ts';
import { badNodeResult, cancelled, LatentflowError, messageOf, nodeFailed, outputNotSerializable, stableCodeOf } from './errors.ts';
import type { RunEvent } from './events.ts';
import { executionOrder } from './graph.ts';
import { createHooks, HOOK_NAMES, type Hook, type HookName } from './hooks.ts';
import { silentLogger, type Logger } from './logger.ts';
import type { NodeDefinition, RunEnvironment } from './node-definition.ts';
import { findNonJson } from './plain-json.ts';
import type { Registry } from './registry.ts';
import { createNodeContext, createRunContext, type RunContext } from './run-context.ts';
import { nodeSignature, type SignatureParts } from './signature.ts';
import { prepareWorkflow, type ValidationIssue } from './validate.ts';

export interface ExecutorOptions {
  registry: Registry;
  /** How many node results the cache keeps across runs (least recently used go first). Default 100; 0 disables it. */
  cacheSize?: number;
  log?: Logger;
}

export interface RunOptions {
  env: RunEnvironment;
  signal?: AbortSignal;
  runId?: string;
  onEvent?: (event: RunEvent) => void;
}

export type RunResult =
  | { runId: string; status: 'finished'; outputs: Record<string, unknown> }
  | { runId: string; status: 'failed'; error: ErrorInfo }
  | { runId: string; status: 'cancelled' };

export interface Executor {
  /** Migrates and validates the whole workflow, then runs what its output nodes need. Never throws for a failed run. */
  run(workflow: unknown, options: RunOptions): Promise<RunResult>;
  addHook<N extends HookName>(name: N, hook: Hook<N>): void;
  clearCache(): void;
  readonly cachedResults: number;
}

type NodeOutputs = Record<string, unknown>;

export function createExecutor({ registry, cacheSize = 100, log = silentLogger }: ExecutorOptions): Executor {
  const cache = createLruCache<NodeOutputs>(cacheSize);
  const hooks = createHooks();
  for (const plugin of registry.plugins()) {
    for (const name of HOOK_NAMES) {
      const hook = plugin.hooks?.[name];
      if (hook !== undefined) hooks.add(name, hook as Hook<HookName>);
    }
  }

  async function run(workflow: unknown, options: RunOptions): Promise<RunResult> {
    const runId = options.runId ?? randomUUID();
    const signal = options.signal ?? new AbortController().signal;
    const ctx = createRunContext({ runId, env: options.env, signal, log, hooks, onEvent: options.onEvent });
    const started = performance.now();

    const prepared = prepareWorkflow(workflow, registry);
    if (prepared.workflow === undefined) {
      const error = invalidWorkflowInfo(prepared.issues);
      ctx.emit({ type: 'run_failed', error });
      return { runId, status: 'failed', error };
    }
    const graph = prepared.workflow;
    const outputNodes = Object.keys(graph.nodes).filter((id) => definitionOf(graph, id).output);
    const order = executionOrder(graph, outputNodes);
    const outputs: Record<string, unknown> = {};
    try {
      await hooks.run('onRunStart', { runId, nodes: order });
      ctx.emit({ type: 'run_started', nodes: order });
      const values = new Map<string, NodeOutputs>();
      const signatures = new Map<string, string>();
      for (const nodeId of order) {
        if (signal.aborted) throw cancelled(signal.reason);
        const result = await runNode(ctx, graph, nodeId, values, signatures);
        if (definitionOf(graph, nodeId).output) outputs[nodeId] = result;
      }
    } catch (error) {
      if (signal.aborted) {
        ctx.emit({ type: 'run_cancelled' });
        return { runId, status: 'cancelled' };
      }
      const failure = error instanceof LatentflowError ? error : badNodeResult(String(error));
      await hooks.run('onError', { runId, error: failure }).catch((hookError: unknown) =>
        ctx.log.error('onError hook threw', { error: String(hookError) }),
      );
      const info = failure.toInfo();
      ctx.emit({ type: 'run_failed', error: info });
      return { runId, status: 'failed', error: info };
    }
    ctx.emit({ type: 'run_finished', durationMs: performance.now() - started, outputs });
    return { runId, status: 'finished', outputs };
  }

  function definitionOf(graph: Workflow, nodeId: string): NodeDefinition {
    return registry.get(graph.nodes[nodeId].type) as NodeDefinition;
  }

  /** Runs one node (or takes its result from the cache); returns what it returned. */
  async function runNode(
    ctx: RunContext,
    graph: Workflow,
    nodeId: string,
    values: Map<string, NodeOutputs>,
    signatures: Map<string, string>,
  ): Promise<unknown> {
    const definition = definitionOf(graph, nodeId);
    const nodeType = definition.type;
    const { inputs, parts } = resolveInputs(graph, nodeId, definition, values, signatures, environmentScope(ctx.env));
    if (definition.fingerprint) {
      try {
        parts.fingerprint = await definition.fingerprint(inputs, ctx.env);
      } catch (error) {
        if (ctx.signal.aborted) throw cancelled(error);
        const failure = attributed(error, nodeId, nodeType);
        ctx.emit({ type: 'node_failed', nodeId, nodeType, error: failure.toInfo() });
        throw failure;
      }
    }
    const signature = nodeSignature(parts);
    signatures.set(nodeId, signature);

    const cached = cache.get(signature);
    if (cached !== undefined) {
      values.set(nodeId, cached);
      ctx.emit({ type: 'node_cached', nodeId, nodeType });
      await hooks.run('onNodeEnd', { runId: ctx.runId, nodeId, nodeType, cached: true, durationMs: 0 });
      return cached;
    }

    const started = performance.now();
    ctx.emit({ type: 'node_started', nodeId, nodeType });
    let result: NodeOutputs;
    try {
      await hooks.run('onNodeStart', { runId: ctx.runId, nodeId, nodeType });
      result = await definition.execute(inputs, createNodeContext(ctx, nodeId, nodeType));
      checkResult(definition, nodeId, result);
    } catch (error) {
      if (ctx.signal.aborted) throw cancelled(error);
      const failure = attributed(error, nodeId, nodeType);
      ctx.emit({ type: 'node_failed', nodeId, nodeType, error: failure.toInfo() });
      throw failure;
    }
    const durationMs = performance.now() - started;
    cache.set(signature, result);
    values.set(nodeId, result);
    ctx.emit(
      definition.output
        ? { type: 'node_finished', nodeId, nodeType, durationMs, result }
        : { type: 'node_finished', nodeId, nodeType, durationMs },
    );
    await hooks.run('onNodeEnd', { runId: ctx.runId, nodeId, nodeType, cached: false, durationMs });
    return result;
  }

  return {
    run,
    addHook: (name, hook) => hooks.add(name, hook),
    clearCache: () => cache.clear(),
    get cachedResults() {
      return cache.size;
    },
  };
}

/**
 * The run environment's plain settings (folders, backend, ...). A result made for one environment is
 * not valid in another: a saved image lives in its run's output folder, a model was opened on its backend.
 */
function environmentScope(env: RunEnvironment): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value === null || typeof value !== 'object'));
}

/** The values `execute` gets (widget defaults filled in) and what the node's cache signature is made of. */
function resolveInputs(
  graph: Workflow,
  nodeId: string,
  definition: NodeDefinition,
  values: Map<string, NodeOutputs>,
  signatures: Map<string, string>,
  scope: Record<string, unknown>,
) {
  const given = graph.nodes[nodeId].inputs ?? {};
  const inputs: Record<string, unknown> = {};
  const literals: Record<string, unknown> = {};
  const links: Record<string, [string, string]> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    const value = Object.hasOwn(given, name) ? given[name] : undefined;
    if (isLink(value)) {
      inputs[name] = (values.get(value.from) as NodeOutputs)[value.output];
      links[name] = [signatures.get(value.from) as string, value.output];
    } else {
      inputs[name] = value ?? (spec.kind === 'socket' ? undefined : spec.default);
      literals[name] = inputs[name] ?? null;
    }
  }
  const nonce = definition.alwaysRun ? randomUUID() : undefined;
  const parts: SignatureParts = { type: definition.type, literals, links, scope, nonce };
  return { inputs, parts };
}

function checkResult(definition: NodeDefinition, nodeId: string, result: NodeOutputs): void {
  if (typeof result !== 'object' || result === null) {
    throw badNodeResult(`execute returned ${String(result)} instead of an object of outputs`);
  }
  const missing = Object.keys(definition.outputs).filter((name) => !(name in result));
  if (missing.length > 0) throw badNodeResult(`execute did not return output(s) ${missing.join(', ')}`);
  if (definition.output) {
    const path = findNonJson(result);
    if (path !== undefined) throw outputNotSerializable(nodeId, definition.type, path);
  }
}

/**
 * Keeps any stable code (backend_unavailable, checkpoint_corrupt, unknown_sampler...) and the input at
 * fault, and says which node it happened in; an error without one is node_failed.
 */
function attributed(error: unknown, nodeId: string, nodeType: string): LatentflowError {
  const code = stableCodeOf(error);
  if (code === undefined || code === 'node_failed') return nodeFailed(nodeId, nodeType, error);
  if (error instanceof LatentflowError) {
    error.nodeId ??= nodeId;
    error.nodeType ??= nodeType;
    return error;
  }
  const input = (error as { input?: unknown }).input;
  return new LatentflowError(code, `Node "${nodeId}" (${nodeType}): ${messageOf(error)}`, {
    nodeId,
    nodeType,
    ...(typeof input === 'string' ? { input } : {}),
    cause: error,
  });
}

function invalidWorkflowInfo(issues: ValidationIssue[]): ErrorInfo {
  const listed = issues.map((issue) => `- ${issue.message}`).join('\n');
  return { code: 'invalid_workflow', message: `The workflow has ${issues.length} problem(s):\n${listed}`, issues };
}
