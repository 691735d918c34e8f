import { overrideInputs, type Workflow } from '../contract/index.ts';
import { badOverride } from './errors.ts';

export { overrideInputs };

/** Like `overrideInputs` (contract/overrides.ts), but throws the first bad override as a `bad_override` error. */
export function applyOverrides(workflow: Workflow, overrides: Record<string, unknown>): Workflow {
  const { workflow: result, issues } = overrideInputs(workflow, overrides);
  if (issues.length > 0) throw badOverride(issues[0].message);
  return result;
}
