import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freeDraftName, moveDraftOnSaveAs, readDraft, writeDraft } from '../../../editor/src/storage/drafts.ts';
import { sampleWorkflow } from '../fixtures.ts';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() { return items.size; },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

describe('editor drafts in localStorage', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('keeps one draft per workflow and remembers the last one open', () => {
    const txt2img = sampleWorkflow();
    const other = { ...sampleWorkflow(), nodes: {} };
    writeDraft('p', { workflowName: 'txt2img', workflow: txt2img, dirty: true });
    writeDraft('p', { workflowName: 'other', workflow: other, dirty: false });
    expect(readDraft('p', 'txt2img')).toEqual({ workflowName: 'txt2img', workflow: txt2img, dirty: true });
    expect(readDraft('p')?.workflowName).toBe('other');
    expect(readDraft('p', 'missing')).toBeUndefined();
    expect(readDraft('another-project')).toBeUndefined();
  });

  it('ignores stored values that are not drafts of a version 1 workflow', () => {
    localStorage.setItem('latentflow:draft:p:x', '{not json');
    localStorage.setItem('latentflow:draft:p:y', JSON.stringify({ workflowName: 'y', workflow: { version: 2 } }));
    expect(readDraft('p', 'x')).toBeUndefined();
    expect(readDraft('p', 'y')).toBeUndefined();
  });

  it('after Save as, keeps the work under the new name, saved, and the original no longer looks modified', () => {
    const edited = sampleWorkflow();
    writeDraft('p', { workflowName: 'txt2img', workflow: edited, dirty: true });
    moveDraftOnSaveAs('p', 'txt2img', 'my-copy', edited);
    expect(readDraft('p', 'my-copy')).toEqual({ workflowName: 'my-copy', workflow: edited, dirty: false });
    expect(readDraft('p', 'txt2img')).toBeUndefined();
    expect(readDraft('p')?.workflowName).toBe('my-copy');
  });

  it('opens a workflow from elsewhere under a free name when its draft has unsaved work, never over it', () => {
    const work = sampleWorkflow();
    expect(freeDraftName('p', 'txt2img', [])).toBe('txt2img');
    writeDraft('p', { workflowName: 'txt2img', workflow: work, dirty: false });
    expect(freeDraftName('p', 'txt2img', [])).toBe('txt2img');
    writeDraft('p', { workflowName: 'txt2img', workflow: work, dirty: true });
    writeDraft('p', { workflowName: 'txt2img-2', workflow: work, dirty: false });
    expect(freeDraftName('p', 'txt2img', ['txt2img', 'txt2img-3'])).toBe('txt2img-4');
    expect(readDraft('p', 'txt2img')).toEqual({ workflowName: 'txt2img', workflow: work, dirty: true });
  });
});
