import type { RunEvent } from './events.ts';
import type { Hooks } from './hooks.ts';
import { childLogger, type Logger } from './logger.ts';
import type { NodeContext, RunEnvironment } from './node-definition.ts';

type Emitted = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'time'> : never) : never;

/** What one run owns: its id, environment, signal and event sink. Runs never share one. */
export interface RunContext {
  readonly runId: string;
  readonly env: RunEnvironment;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly hooks: Hooks;
  emit(event: Emitted): void;
}

export function createRunContext(options: {
  runId: string;
  env: RunEnvironment;
  signal: AbortSignal;
  log: Logger;
  hooks: Hooks;
  onEvent?: (event: RunEvent) => void;
}): RunContext {
  const { runId, onEvent } = options;
  const log = childLogger(options.log, { runId });
  return {
    runId,
    env: options.env,
    signal: options.signal,
    log,
    hooks: options.hooks,
    emit(event) {
      if (!onEvent) return;
      try {
        onEvent({ ...event, runId, time: Date.now() } as RunEvent);
      } catch (error) {
        // A broken listener (e.g. a closed socket) must not break the run it listens to.
        log.warn('run event listener threw', { event: event.type, error: String(error) });
      }
    },
  };
}

/** The `ctx` one node's `execute` receives. */
export function createNodeContext(run: RunContext, nodeId: string, nodeType: string): NodeContext {
  return {
    nodeId,
    signal: run.signal,
    env: run.env,
    log: childLogger(run.log, { nodeId }),
    progress(value, max) {
      run.hooks.runSync('onProgress', { runId: run.runId, nodeId, nodeType, value, max });
      run.emit({ type: 'node_progress', nodeId, nodeType, value, max });
    },
    preview(preview) {
      run.emit({ type: 'node_preview', nodeId, nodeType, preview });
    },
  };
}
