import { checkJsonBounds } from '../contract/index.ts';
import { loadWorkflow, type Registry } from '../runtime/index.ts';
import { invalidWorkflow } from './errors.ts';

/**
 * A workflow read back from a project file or the run history, brought to the current node versions.
 * One that does not load (an unknown node type, a hand-edited file) comes back as it was, so a person
 * can still open and fix it; running it reports every problem.
 */
export function upgradeStoredWorkflow(json: unknown, registry: Registry): unknown {
  const loaded = loadWorkflow(json, registry);
  return loaded.workflow ?? json;
}

/** Refuses JSON too deep or too large to store (400 with the bound it broke) before anything recurses over it. */
export function assertStorable(json: unknown, what: string): void {
  const problem = checkJsonBounds(json, what);
  if (problem !== undefined) throw invalidWorkflow([{ code: problem.code, message: problem.message }], problem.message);
}
