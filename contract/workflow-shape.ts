import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { Issue } from './issue.ts';
import { checkJsonBounds } from './json-bounds.ts';
import { WorkflowSchema } from './workflow.ts';

const MAX_SHAPE_ISSUES = 20;

/** Compiled on first use: every run validates its workflow, and the compiled check is many times faster than Value.Check. */
let compiledCheck: TypeCheck<typeof WorkflowSchema> | undefined;

/**
 * Whether parsed JSON has the shape of workflow JSON v1: bounded in depth and size first (so nothing
 * recurses over a hostile document), then the schema. Says nothing of node types; the registry does that.
 */
export function workflowShapeIssues(json: unknown, where = 'the workflow'): Issue[] {
  const bounds = checkJsonBounds(json, where);
  if (bounds !== undefined) return [{ code: bounds.code, message: bounds.message }];
  compiledCheck ??= TypeCompiler.Compile(WorkflowSchema);
  if (compiledCheck.Check(json)) return [];
  const issues: Issue[] = [];
  for (const error of Value.Errors(WorkflowSchema, json)) {
    if (issues.length === MAX_SHAPE_ISSUES) break;
    const [, top, nodeId] = error.path.split('/');
    const at = error.path === '' ? where : `${where === 'the workflow' ? '' : `${where}: `}${error.path}`;
    const issue: Issue = { code: 'invalid_workflow', message: `${at}: ${error.message}` };
    if (top === 'nodes' && nodeId !== undefined) issue.nodeId = nodeId.replaceAll('~1', '/').replaceAll('~0', '~');
    issues.push(issue);
  }
  return issues;
}
