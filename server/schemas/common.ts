import { Type } from '@sinclair/typebox';
import { WorkflowSchema } from '../../contract/index.ts';

export const IssueSchema = Type.Object({
  code: Type.String(),
  nodeId: Type.Optional(Type.String()),
  input: Type.Optional(Type.String()),
  message: Type.String(),
});

/** Every error response (contract/issue.ts ErrorInfo): a stable `code`, a message for people, and for invalid workflows each problem. */
export const ErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable error code, e.g. project_not_found, invalid_workflow, forbidden_origin' }),
    message: Type.String(),
    nodeId: Type.Optional(Type.String()),
    nodeType: Type.Optional(Type.String()),
    input: Type.Optional(Type.String()),
    issues: Type.Optional(Type.Array(IssueSchema, { description: 'Every problem, for invalid_workflow and invalid_request' })),
  },
  { description: 'An error' },
);

export const errorResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, ErrorSchema]));

const { $id: _workflowId, ...workflowBody } = WorkflowSchema;
/** The workflow JSON v1 schema without its `$id`, so routes can embed it. */
export const WorkflowBodySchema = workflowBody;

export const WorkflowJson = Type.Unknown({ description: 'Workflow JSON v1, see /api/schema/workflow.json' });

export const IsoTime = Type.String({ format: 'date-time' });

export const ProjectParams = Type.Object({ projectId: Type.String({ minLength: 1, maxLength: 64 }) });
