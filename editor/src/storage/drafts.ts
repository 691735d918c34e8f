import type { Workflow } from '../workflow/types.ts';

/** The editor's unsaved work per project, kept in localStorage so a reload loses nothing. */
export interface Draft {
  workflowName: string;
  workflow: Workflow;
  dirty: boolean;
}

const key = (projectId: string) => `latentflow:draft:${projectId}`;

export function readDraft(projectId: string): Draft | undefined {
  try {
    const raw = localStorage.getItem(key(projectId));
    if (!raw) return undefined;
    const draft = JSON.parse(raw) as Draft;
    return draft?.workflow?.version === 1 && typeof draft.workflowName === 'string' ? draft : undefined;
  } catch {
    return undefined;
  }
}

export function writeDraft(projectId: string, draft: Draft): void {
  try {
    localStorage.setItem(key(projectId), JSON.stringify(draft));
  } catch (error) {
    console.warn('latentflow: could not keep the draft in localStorage', error);
  }
}
