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
