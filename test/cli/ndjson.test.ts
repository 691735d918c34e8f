import { describe, expect, it } from 'vitest';
import { eventToNdjson } from '../../cli/ndjson.ts';

describe('ndjson events', () => {
  it('writes one JSON line per event', () => {
    const line = eventToNdjson({ type: 'node_progress', runId: 'r', time: 1, nodeId: 'n', nodeType: 'T', value: 1, max: 2 });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trim().includes('\n')).toBe(false);
    expect(JSON.parse(line)).toEqual({ type: 'node_progress', runId: 'r', time: 1, nodeId: 'n', nodeType: 'T', value: 1, max: 2 });
  });

  it('replaces preview bytes with their count', () => {
    const line = eventToNdjson({
      type: 'node_preview', runId: 'r', time: 1, nodeId: 'n', nodeType: 'T',
      preview: { kind: 'image', mime: 'image/png', data: new Uint8Array(300), width: 8, height: 8, step: 3 },
    });
    expect(JSON.parse(line).preview).toEqual({ kind: 'image', mime: 'image/png', width: 8, height: 8, step: 3, bytes: 300 });
  });
});
