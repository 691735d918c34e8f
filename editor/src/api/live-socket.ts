import { decodePreviewFrame, type PreviewFrame } from '../../../contract/index.ts';
import type { LiveEvent } from '../run/live-event.ts';

export interface LiveSocketHandlers {
  onEvent(event: LiveEvent): void;
  onPreview(frame: PreviewFrame): void;
  onConnectionChange?(connected: boolean): void;
}

export interface LiveSocket {
  close(): void;
}

/** Subscribes to one project's run events over `/api/ws`, reconnecting with backoff when dropped. */
export function openLiveSocket(projectId: string, handlers: LiveSocketHandlers): LiveSocket {
  let socket: WebSocket | undefined;
  let closed = false;
  let retryDelay = 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/ws`);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      retryDelay = 500;
      socket?.send(JSON.stringify({ type: 'subscribe', projectId, previews: true, latents: false }));
      handlers.onConnectionChange?.(true);
    };
    socket.onmessage = (message) => {
      if (typeof message.data === 'string') {
        const event = parseEvent(message.data);
        if (event) handlers.onEvent(event);
        return;
      }
      try {
        handlers.onPreview(decodePreviewFrame(message.data as ArrayBuffer));
      } catch (error) {
        console.warn('latentflow: dropped a preview frame', error);
      }
    };
    socket.onclose = () => {
      handlers.onConnectionChange?.(false);
      if (closed) return;
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 8000);
    };
  };
  connect();

  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      // Closing a socket still connecting makes the browser log a warning; close it once open.
      if (socket?.readyState === WebSocket.CONNECTING) socket.onopen = () => socket?.close();
      else socket?.close();
    },
  };
}

function parseEvent(text: string): LiveEvent | undefined {
  try {
    const value = JSON.parse(text) as LiveEvent;
    return typeof value === 'object' && value !== null && typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
