import type { Workflow } from '../workflow/types.ts';

/**
 * The editor's unsaved work, one draft per project and workflow name, kept in localStorage so a
 * reload or opening another workflow loses nothing. The project also remembers the last one open.
 */
export interface Draft {
  workflowName: string;
  workflow: Workflow;
  dirty: boolean;
}

const draftKey = (projectId: string, workflowName: string) => `latentflow:draft:${projectId}:${workflowName}`;
const lastKey = (projectId: string) => `latentflow:last:${projectId}`;

/** The draft of `workflowName`, or of the workflow last open in the project when no name is given. */
export function readDraft(projectId: string, workflowName?: string): Draft | undefined {
  try {
    const name = workflowName ?? localStorage.getItem(lastKey(projectId));
    const raw = name === null ? null : localStorage.getItem(draftKey(projectId, name));
    if (!raw) return undefined;
    const draft = JSON.parse(raw) as Draft;
    return draft?.workflow?.version === 1 && typeof draft.workflowName === 'string' ? draft : undefined;
  } catch {
    return undefined;
  }
}

export function writeDraft(projectId: string, draft: Draft): void {
  try {
    localStorage.setItem(draftKey(projectId, draft.workflowName), JSON.stringify(draft));
    localStorage.setItem(lastKey(projectId), draft.workflowName);
  } catch (error) {
    console.warn('latentflow: could not keep the draft in localStorage', error);
  }
}

export function removeDraft(projectId: string, workflowName: string): void {
  try {
    localStorage.removeItem(draftKey(projectId, workflowName));
  } catch (error) {
    console.warn('latentflow: could not remove the draft from localStorage', error);
  }
}

/**
 * "Save as": the work now lives under `to`, saved; the original goes back to its saved version
 * (its draft is dropped), so it no longer looks modified.
 */
export function moveDraftOnSaveAs(projectId: string, from: string, to: string, workflow: Workflow): void {
  writeDraft(projectId, { workflowName: to, workflow, dirty: false });
  if (from !== to) removeDraft(projectId, from);
}

/**
 * The name to open `base` under without touching unsaved work: `base` itself unless it has an
 * unsaved draft, else the first of `base-2`, `base-3`, ... that has neither a draft nor a saved file.
 */
export function freeDraftName(projectId: string, base: string, savedNames: readonly string[]): string {
  if (!readDraft(projectId, base)?.dirty) return base;
  for (let n = 2; ; n++) {
    const name = `${base}-${n}`;
    if (!readDraft(projectId, name) && !savedNames.includes(name)) return name;
  }
}
