import type { WebSocket } from 'ws';
import type { Preview } from '../../runtime/index.ts';
import { previewFrame } from './binary-frame.ts';

/** What a client asked to receive. Without `projectId`/`runId` it hears every run. */
export interface Subscription {
  projectId?: string;
  runId?: string;
  previews: boolean;
  latents: boolean;
}

// A client that cannot keep up loses previews (never events) until its send buffer drains.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
// A client that has not answered the previous ping by the next one is gone (a sleeping laptop, a dropped network).
const HEARTBEAT_MS = 30_000;

function parseSubscription(text: string): Subscription | string {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return 'Messages must be JSON';
  }
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'subscribe') {
    return 'The only message a client sends is {"type":"subscribe", ...}';
  }
  const { projectId, runId, previews, latents } = message as Record<string, unknown>;
  if ((projectId !== undefined && typeof projectId !== 'string') || (runId !== undefined && typeof runId !== 'string')) {
    return '"projectId" and "runId" must be strings';
  }
  const subscription: Subscription = { previews: previews === true, latents: latents === true };
  if (projectId !== undefined) subscription.projectId = projectId;
  if (runId !== undefined) subscription.runId = runId;
  return subscription;
}

/** Something else that hears every run event and preview (the ComfyUI WebSocket translates them). */
export interface HubObserver {
  event(projectId: string, event: { runId: string; type: string }): void;
  preview(projectId: string, runId: string, nodeId: string, preview: Preview): void;
}

/** The WebSocket clients and what each subscribed to; fans run events and previews out to them. */
export class LiveHub {
  private readonly clients = new Map<WebSocket, Subscription | undefined>();
  private readonly observers: HubObserver[] = [];
  private readonly answered = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = HEARTBEAT_MS) {
    this.heartbeat = setInterval(() => this.pingAll(), heartbeatMs).unref();
  }

  add(socket: WebSocket): void {
    this.clients.set(socket, undefined);
    this.answered.add(socket);
    socket.on('pong', () => this.answered.add(socket));
    socket.on('message', (data, isBinary) => {
      const parsed = isBinary ? 'Send text frames' : parseSubscription(data.toString());
      if (typeof parsed === 'string') {
        socket.send(JSON.stringify({ type: 'error', code: 'bad_message', message: parsed }));
        return;
      }
      this.clients.set(socket, parsed);
      socket.send(JSON.stringify({ type: 'subscribed', ...parsed }));
    });
    socket.on('close', () => this.clients.delete(socket));
  }

  observe(observer: HubObserver): void {
    this.observers.push(observer);
  }

  /** Sends a JSON event about a run to every client subscribed to it. */
  publish<E extends { runId: string; type: string }>(projectId: string, event: E): void {
    for (const observer of this.observers) observer.event(projectId, event);
    let text: string | undefined;
    for (const [socket] of this.matching(projectId, event.runId)) {
      text ??= JSON.stringify({ ...event, projectId });
      socket.send(text);
    }
  }

  /** Sends a preview as a binary frame to the clients that asked for this kind. */
  publishPreview(projectId: string, runId: string, nodeId: string, preview: Preview): void {
    for (const observer of this.observers) observer.preview(projectId, runId, nodeId, preview);
    let frame: Buffer | undefined;
    for (const [socket, subscription] of this.matching(projectId, runId)) {
      const wanted = preview.kind === 'image' ? subscription.previews : subscription.latents;
      if (!wanted || socket.bufferedAmount > MAX_BUFFERED_BYTES) continue;
      frame ??= previewFrame(runId, nodeId, preview);
      socket.send(frame);
    }
  }

  /** Whether any client asked for latent previews (workers on other machines send them only then). */
  wantsLatents(): boolean {
    for (const subscription of this.clients.values()) if (subscription?.latents) return true;
    return false;
  }

  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const socket of this.clients.keys()) socket.close(1001, 'Server shutting down');
    this.clients.clear();
  }

  private pingAll(): void {
    for (const socket of this.clients.keys()) {
      if (!this.answered.has(socket)) {
        socket.terminate();
        continue;
      }
      this.answered.delete(socket);
      socket.ping();
    }
  }

  private *matching(projectId: string, runId: string): Generator<[WebSocket, Subscription]> {
    for (const [socket, subscription] of this.clients) {
      if (!subscription || socket.readyState !== socket.OPEN) continue;
      if (subscription.projectId !== undefined && subscription.projectId !== projectId) continue;
      if (subscription.runId !== undefined && subscription.runId !== runId) continue;
      yield [socket, subscription];
    }
  }
}
