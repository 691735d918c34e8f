import type { ErrorInfo } from '../contract/index.ts';
import type { Preview } from './node-definition.ts';

export type { ErrorInfo };

interface EventBase { runId: string; time: number }
interface NodeEventBase extends EventBase { nodeId: string; nodeType: string }

/** Everything a run reports, in order. The CLI and the server consume the same stream. */
export type RunEvent =
  | (EventBase & { type: 'run_started'; nodes: string[] })
  | (NodeEventBase & { type: 'node_started' })
  | (NodeEventBase & { type: 'node_progress'; value: number; max: number })
  | (NodeEventBase & { type: 'node_cached' })
  | (NodeEventBase & { type: 'node_preview'; preview: Preview })
  | (NodeEventBase & { type: 'node_finished'; durationMs: number; result?: unknown })
  | (NodeEventBase & { type: 'node_failed'; error: ErrorInfo })
  | (EventBase & { type: 'run_finished'; durationMs: number; outputs: Record<string, unknown> })
  | (EventBase & { type: 'run_failed'; error: ErrorInfo })
  | (EventBase & { type: 'run_cancelled' });

export type RunEventType = RunEvent['type'];
