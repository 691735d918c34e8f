import type { RunEvent } from '../runtime/index.ts';

/** One event as a JSON line; a preview carries its metadata and byte count instead of its bytes. */
export function eventToNdjson(event: RunEvent): string {
  if (event.type !== 'node_preview') return `${JSON.stringify(event)}\n`;
  const { data, ...metadata } = event.preview;
  return `${JSON.stringify({ ...event, preview: { ...metadata, bytes: data.byteLength } })}\n`;
}
