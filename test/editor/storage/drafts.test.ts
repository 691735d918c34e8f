import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readDraft, writeDraft } from '../../../editor/src/storage/drafts.ts';
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
});
