import { describe, expect, it } from 'vitest';
import { createProgressDisplay, progressBar } from '../../cli/progress.ts';
import type { RunEvent } from '../../runtime/index.ts';

const base = { runId: 'r', time: 0 };
const node = { ...base, nodeId: 'unet', nodeType: 'UNetStep' };
const events: RunEvent[] = [
  { ...base, type: 'run_started', nodes: ['model', 'unet'] },
  { ...base, type: 'node_cached', nodeId: 'model', nodeType: 'LoadModel' },
  { ...node, type: 'node_started' },
  { ...node, type: 'node_progress', value: 1, max: 4 },
  { ...node, type: 'node_preview', preview: { kind: 'latent', data: new Float32Array(1), shape: [1] } },
  { ...node, type: 'node_progress', value: 2, max: 4 },
  { ...node, type: 'node_progress', value: 2, max: 4 },
  { ...node, type: 'node_finished', durationMs: 1234 },
  { ...base, type: 'run_finished', durationMs: 2000, outputs: { save: { file: 'a.png' } } },
];

function render(isTTY: boolean, stream: RunEvent[]) {
  let out = '';
  let err = '';
  const display = createProgressDisplay({ out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) }, isTTY });
  stream.forEach(display);
  return { out, err };
}

describe('progress display', () => {
  it('draws a bar of the given width', () => {
    expect(progressBar(5, 10, 10)).toBe('#####.....');
    expect(progressBar(20, 10, 4)).toBe('####');
    expect(progressBar(1, 0, 4)).toBe('....');
  });

  it('prints plain lines off a terminal, with progress at each quarter', () => {
    const { out, err } = render(false, events);
    expect(out).toBe(
      [
        'running 2 node(s)',
        '[1/2] model (LoadModel) cached',
        '[2/2] unet (UNetStep) started',
        `[2/2] unet (UNetStep) ${'#'.repeat(6)}${'.'.repeat(18)} 1/4`,
        `[2/2] unet (UNetStep) ${'#'.repeat(12)}${'.'.repeat(12)} 2/4`,
        '[2/2] unet (UNetStep) done in 1.23s',
        'finished in 2.00s',
        '  save: {"file":"a.png"}',
        '',
      ].join('\n'),
    );
    expect(err).toBe('');
  });

  it('redraws one status line on a terminal and keeps finished nodes as lines', () => {
    const { out } = render(true, events);
    expect(out).toContain('\r\x1b[2K[2/2] unet (UNetStep) ...');
    expect(out).toContain(`\r\x1b[2K[2/2] unet (UNetStep) ${'#'.repeat(12)}${'.'.repeat(12)} 2/4\r\x1b[2K[2/2] unet (UNetStep) done in 1.23s\n`);
    expect(out.split('\n')).toHaveLength(6);
  });

  it('sends failures and cancellation to the error stream, ending the status line first', () => {
    const error = { code: 'node_failed', message: 'Node "unet" (UNetStep) failed: boom', nodeId: 'unet' };
    const failed = render(true, [events[0], events[2], { ...node, type: 'node_failed', error }, { ...base, type: 'run_failed', error }]);
    expect(failed.out.endsWith('...\n')).toBe(true);
    expect(failed.err).toBe('[1/2] unet (UNetStep) failed\nrun failed [node_failed]: Node "unet" (UNetStep) failed: boom\n');
    expect(render(false, [{ ...base, type: 'run_cancelled' }]).err).toBe('run cancelled\n');
  });
});
