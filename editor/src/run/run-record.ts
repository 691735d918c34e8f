import type { ErrorInfo } from '../../../runtime/index.ts';
import type { LiveEvent } from './live-event.ts';

/** The state of one run folded from its events; pure so the editor, generate page and tests share it. */

export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';
/** `stopped`: the run ended (cancelled, failed elsewhere, interrupted) before this node finished. */
export type NodeState = 'waiting' | 'running' | 'cached' | 'done' | 'failed' | 'stopped';

export interface NodeRecord {
  state: NodeState;
  progress?: { value: number; max: number };
  error?: ErrorInfo;
}

export interface RunRecord {
  runId: string;
  status: RunStatus;
  /** Nodes this run executes, in the order the runtime announced. */
  order: string[];
  nodes: Record<string, NodeRecord>;
  error?: ErrorInfo;
  outputs?: Record<string, unknown>;
  /** When the run was queued (ms since the epoch); the history is ordered by it. */
  queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  label?: string;
}

export function newRunRecord(runId: string, label?: string, queuedAt: number = Date.now()): RunRecord {
  return { runId, status: 'queued', order: [], nodes: {}, label, queuedAt };
}

export function applyRunEvent(record: RunRecord, event: LiveEvent): RunRecord {
  const next: RunRecord = { ...record, nodes: { ...record.nodes } };
  const setNode = (id: string, value: NodeRecord) => {
    if (!next.order.includes(id)) next.order = [...next.order, id];
    next.nodes[id] = value;
  };
  switch (event.type) {
    case 'run_queued':
      return next;
    case 'run_started':
      next.status = 'running';
      next.startedAt = event.time;
      next.order = [...event.nodes];
      for (const id of event.nodes) next.nodes[id] = { state: 'waiting' };
      return next;
    case 'node_started':
      next.status = 'running';
      setNode(event.nodeId, { state: 'running' });
      return next;
    case 'node_progress':
      setNode(event.nodeId, { state: 'running', progress: { value: event.value, max: event.max } });
      return next;
    case 'node_cached':
      setNode(event.nodeId, { state: 'cached' });
      return next;
    case 'node_finished':
      setNode(event.nodeId, { state: 'done' });
      return next;
    case 'node_failed':
      setNode(event.nodeId, { state: 'failed', error: event.error });
      return next;
    case 'run_finished':
      next.status = 'finished';
      next.outputs = event.outputs;
      next.finishedAt = event.time;
      return next;
    case 'run_failed':
      next.error = event.error;
      next.finishedAt = event.time;
      if (event.error.nodeId && next.nodes[event.error.nodeId]?.state !== 'failed') {
        setNode(event.error.nodeId, { state: 'failed', error: event.error });
      }
      return settleRun(next, 'failed');
    case 'run_cancelled':
      next.finishedAt = event.time;
      return settleRun(next, 'cancelled');
    default:
      return record;
  }
}

/** The run ended with `status`: nodes it had not finished (running, waiting) are stopped, never left spinning. */
export function settleRun(record: RunRecord, status: RunStatus): RunRecord {
  const nodes = { ...record.nodes };
  if (status !== 'queued' && status !== 'running') {
    for (const [id, node] of Object.entries(nodes)) {
      if (node.state === 'running' || node.state === 'waiting') nodes[id] = { state: 'stopped' };
    }
  }
  return { ...record, status, nodes };
}

export function isActive(record: RunRecord): boolean {
  return record.status === 'queued' || record.status === 'running';
}

/** Fraction of the run done: finished nodes count 1, the running node its own progress. */
export function overallProgress(record: RunRecord): number {
  if (record.status === 'finished') return 1;
  if (record.order.length === 0) return 0;
  let done = 0;
  for (const id of record.order) {
    const node = record.nodes[id];
    if (!node) continue;
    if (node.state === 'done' || node.state === 'cached' || node.state === 'failed') done += 1;
    else if (node.state === 'running' && node.progress && node.progress.max > 0) done += node.progress.value / node.progress.max;
  }
  return Math.min(1, done / record.order.length);
}
