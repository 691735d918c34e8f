import type { Logger } from '../../runtime/index.ts';
import type { LiveHub } from '../live/hub.ts';
import type { NodeOutcome, RunStore } from '../store/runs.ts';
import { fromWirePreview, type EventMessage } from './protocol.ts';

/**
 * Relays the events workers publish into the server's LiveHub, so WebSocket clients (and anything built on
 * the hub) hear a run on a worker exactly as one run here; keeps each running run's node outcomes so far.
 */
export class EventRelay {
  /** Node outcomes of the runs that are running now, for a page reloaded mid-run. */
  readonly liveNodes = new Map<string, Record<string, NodeOutcome>>();

  constructor(
    private readonly deps: { runs: RunStore; hub: LiveHub; log: Logger },
  ) {}

  receive(text: string): void {
    let message: EventMessage;
    try {
      message = JSON.parse(text) as EventMessage;
    } catch {
      this.deps.log.warn('Ignoring a worker event that is not JSON', { text: text.slice(0, 80) });
      return;
    }
    const { projectId, event } = message;
    const { runs, hub } = this.deps;
    if (event.type === 'run_started') {
      runs.recordAttempt(event.runId, { attempt: message.attempt, worker: message.worker, startedAt: new Date(event.time).toISOString() });
      this.liveNodes.set(event.runId, {});
    }
    const nodes = this.liveNodes.get(event.runId);
    switch (event.type) {
      case 'node_preview':
        hub.publishPreview(projectId, event.runId, event.nodeId, fromWirePreview(event.preview));
        return;
      case 'node_finished':
        if (nodes) nodes[event.nodeId] = { status: 'finished', durationMs: event.durationMs };
        break;
      case 'node_cached':
        if (nodes) nodes[event.nodeId] = { status: 'cached' };
        break;
      case 'node_failed':
        if (nodes) nodes[event.nodeId] = { status: 'failed' };
        break;
    }
    hub.publish(projectId, event);
  }
}
