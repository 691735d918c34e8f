import { Type } from '@sinclair/typebox';
import { ErrorInfoSchema, WorkflowSchema } from '../../contract/index.ts';

/** Every error response is the contract's ErrorInfo: a stable `code`, a message for people, and for invalid workflows each problem. */
export const ErrorSchema = ErrorInfoSchema;

export const errorResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, ErrorSchema]));

const { $id: _workflowId, ...workflowBody } = WorkflowSchema;
/** The workflow JSON v1 schema without its `$id`, so routes can embed it. */
export const WorkflowBodySchema = workflowBody;

export const WorkflowJson = Type.Unknown({ description: 'Workflow JSON v1, see /api/schema/workflow.json' });

export const IsoTime = Type.String({ format: 'date-time' });

export const ProjectParams = Type.Object({ projectId: Type.String({ minLength: 1, maxLength: 64 }) });
