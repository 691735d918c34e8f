import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../../editor/src/run/live-event.ts';
import { applyRunEvent, isActive, newRunRecord, overallProgress, settleRun, type RunRecord } from '../../../editor/src/run/run-record.ts';

const base = { runId: 'r1', time: 0 };
const node = (nodeId: string) => ({ ...base, nodeId, nodeType: 'T' });

function fold(events: LiveEvent[]): RunRecord {
  return events.reduce(applyRunEvent, newRunRecord('r1', 'txt2img'));
}

describe('folding run events into a run record', () => {
  it('follows a run from start to finish with node states and progress', () => {
    const started: LiveEvent[] = [
      { ...base, type: 'run_started', nodes: ['model', 'unet', 'save'] },
      { ...node('model'), type: 'node_cached' },
      { ...node('unet'), type: 'node_started' },
      { ...node('unet'), type: 'node_progress', value: 5, max: 20 },
    ];
    const running = fold(started);
    expect(running.status).toBe('running');
    expect(running.nodes).toEqual({
      model: { state: 'cached' },
      unet: { state: 'running', progress: { value: 5, max: 20 } },
      save: { state: 'waiting' },
    });
    expect(overallProgress(running)).toBeCloseTo((1 + 0.25) / 3);
    expect(isActive(running)).toBe(true);

    const finished = fold([
      ...started,
      { ...node('unet'), type: 'node_finished', durationMs: 10 },
      { ...node('save'), type: 'node_finished', durationMs: 1 },
      { ...base, type: 'run_finished', durationMs: 11, outputs: { save: { files: ['a.png'] } } },
    ]);
    expect(finished.status).toBe('finished');
    expect(finished.outputs).toEqual({ save: { files: ['a.png'] } });
    expect(overallProgress(finished)).toBe(1);
    expect(isActive(finished)).toBe(false);
    expect(finished.label).toBe('txt2img');
  });

  it('pins a failure to its node, also when only run_failed names it', () => {
    const error = { code: 'out_of_range', message: 'steps too big', nodeId: 'schedule', input: 'steps' };
    const failed = fold([{ ...base, type: 'run_started', nodes: ['schedule'] }, { ...base, type: 'run_failed', error }]);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual(error);
    expect(failed.nodes.schedule).toEqual({ state: 'failed', error });
  });

  it('stops the nodes a cancelled run had not finished: none stays running or waiting', () => {
    const cancelled = fold([
      { ...base, type: 'run_started', nodes: ['model', 'unet', 'decode', 'save'] },
      { ...node('model'), type: 'node_finished', durationMs: 1 },
      { ...node('unet'), type: 'node_progress', value: 3, max: 20 },
      { ...base, type: 'run_cancelled' },
    ]);
    expect(cancelled.nodes).toEqual({ model: { state: 'done' }, unet: { state: 'stopped' }, decode: { state: 'stopped' }, save: { state: 'stopped' } });
  });

  it('stops the other unfinished nodes of a failed run, keeping the failed one', () => {
    const error = { code: 'node_failed', message: 'boom', nodeId: 'unet' };
    const failed = fold([
      { ...base, type: 'run_started', nodes: ['unet', 'save'] },
      { ...node('unet'), type: 'node_started' },
      { ...base, type: 'run_failed', error },
    ]);
    expect(failed.nodes).toEqual({ unet: { state: 'failed', error }, save: { state: 'stopped' } });
  });

  it('settles a run the history says has ended, e.g. after the socket missed its last event', () => {
    const running = fold([{ ...base, type: 'run_started', nodes: ['a', 'b'] }, { ...node('a'), type: 'node_started' }]);
    expect(settleRun(running, 'interrupted').nodes).toEqual({ a: { state: 'stopped' }, b: { state: 'stopped' } });
    expect(settleRun(running, 'running').nodes).toEqual(running.nodes);
  });

  it('records cancellation', () => {
    const cancelled = fold([{ ...base, type: 'run_started', nodes: ['a'] }, { ...base, type: 'run_cancelled' }]);
    expect(cancelled.status).toBe('cancelled');
    expect(isActive(cancelled)).toBe(false);
  });

  it('does not mutate the record it is given', () => {
    const start = newRunRecord('r1');
    applyRunEvent(start, { ...node('a'), type: 'node_started' });
    expect(start.nodes).toEqual({});
    expect(overallProgress(start)).toBe(0);
  });
});
