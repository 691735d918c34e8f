import { api } from '../api/client.ts';
import { openLiveSocket, type LiveSocket } from '../api/live-socket.ts';
import type { OutputImage, RunSummary } from '../api/types.ts';
import type { NodePreview } from '../graph/schemes.ts';
import type { LiveEvent } from './live-event.ts';
import { PreviewUrls } from './preview-urls.ts';
import { applyRunEvent, isActive, newRunRecord, settleRun, type RunRecord } from './run-record.ts';

export interface TrackerSnapshot {
  connected: boolean;
  /** Newest first. */
  runs: RunRecord[];
  previews: ReadonlyMap<string, ReadonlyMap<string, NodePreview>>;
  images: ReadonlyMap<string, OutputImage[]>;
}

/**
 * Follows one project's runs over the WebSocket. Listeners are told at most once per animation
 * frame, so a stream of previews never floods React.
 */
export class RunTracker {
  private readonly records = new Map<string, RunRecord>();
  private readonly previews = new Map<string, Map<string, NodePreview>>();
  private readonly images = new Map<string, OutputImage[]>();
  private readonly urls = new PreviewUrls();
  private readonly listeners = new Set<(snapshot: TrackerSnapshot) => void>();
  private readonly socket: LiveSocket;
  private connected = false;
  private connectedBefore = false;
  private scheduled = false;
  private snapshotCache: TrackerSnapshot | undefined;

  constructor(readonly projectId: string) {
    this.socket = openLiveSocket(projectId, {
      onEvent: (event) => this.onEvent(event),
      onPreview: (frame) => {
        const previews = this.previews.get(frame.header.runId) ?? new Map<string, NodePreview>();
        previews.set(frame.header.nodeId, this.urls.fromFrame(frame));
        this.previews.set(frame.header.runId, previews);
        this.notify();
      },
      onConnectionChange: (connected) => {
        // Events sent while the socket was down are lost; the run list tells how those runs ended.
        if (connected && this.connectedBefore) void this.loadHistory();
        this.connectedBefore ||= connected;
        this.connected = connected;
        this.notify();
      },
    });
    void this.loadHistory();
  }

  private async loadHistory(): Promise<void> {
    try {
      for (const summary of await api.runs(this.projectId)) {
        const known = this.records.get(summary.id);
        if (!known) this.records.set(summary.id, fromSummary(summary));
        else if (isActive(known) && !['queued', 'running'].includes(summary.status)) this.records.set(summary.id, settleRun(known, summary.status));
        if (summary.outputs?.images?.length) this.images.set(summary.id, summary.outputs.images);
      }
      this.notify();
    } catch (error) {
      console.warn('latentflow: could not load the run history', error);
    }
  }

  /** Registers a run this page queued, before its first event arrives. */
  track(runId: string, label: string): void {
    if (!this.records.has(runId)) this.records.set(runId, newRunRecord(runId, label));
    else this.records.set(runId, { ...this.records.get(runId)!, label });
    this.notify();
  }

  private onEvent(event: LiveEvent): void {
    if (!('runId' in event) || typeof event.runId !== 'string') return;
    const record = this.records.get(event.runId) ?? newRunRecord(event.runId);
    this.records.set(event.runId, applyRunEvent(record, event));
    if (event.type === 'run_finished') void this.fetchImages(event.runId);
    this.notify();
  }

  private async fetchImages(runId: string): Promise<void> {
    try {
      const run = await api.run(runId);
      this.images.set(runId, run.outputs?.images ?? []);
      this.notify();
    } catch (error) {
      console.warn(`latentflow: could not fetch the outputs of run ${runId}`, error);
    }
  }

  subscribe(listener: (snapshot: TrackerSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): TrackerSnapshot {
    this.snapshotCache ??= {
      connected: this.connected,
      runs: [...this.records.values()].sort((a, b) => b.queuedAt - a.queuedAt),
      previews: new Map(this.previews),
      images: new Map(this.images),
    };
    return this.snapshotCache;
  }

  private notify(): void {
    this.snapshotCache = undefined;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      const snapshot = this.snapshot();
      for (const listener of this.listeners) listener(snapshot);
    });
  }

  close(): void {
    this.socket.close();
    this.urls.releaseAll();
    this.listeners.clear();
  }
}

function fromSummary(summary: RunSummary): RunRecord {
  return {
    ...newRunRecord(summary.id, summary.workflowName ?? undefined, Date.parse(summary.createdAt ?? '') || 0),
    status: summary.status,
    error: summary.error ? { code: summary.error.code, message: summary.error.message, nodeId: summary.error.nodeId, input: summary.error.input } : undefined,
  };
}
