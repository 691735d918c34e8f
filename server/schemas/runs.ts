import { Type } from '@sinclair/typebox';
import { ErrorSchema, IsoTime, WorkflowBodySchema, WorkflowJson } from './common.ts';
import { WORKFLOW_NAME_PATTERN } from './workflows.ts';

const RunStatusSchema = Type.Union(
  ['queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted'].map((status) => Type.Literal(status)),
);


const RunSummaryFields = {
  id: Type.String(),
  projectId: Type.String(),
  status: RunStatusSchema,
  workflowName: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoTime,
  startedAt: Type.Union([IsoTime, Type.Null()]),
  finishedAt: Type.Union([IsoTime, Type.Null()]),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Optional(ErrorSchema),
  outputs: Type.Object({
    images: Type.Array(Type.Object({ nodeId: Type.String(), filename: Type.String(), url: Type.String() })),
    nodes: Type.Record(Type.String(), Type.Unknown(), { description: 'Each output node\'s JSON summary' }),
  }),
  nodes: Type.Record(
    Type.String(),
    Type.Object({ status: Type.String(), durationMs: Type.Optional(Type.Number()) }),
    { description: 'How each node ended: finished, cached or failed' },
  ),
  attempts: Type.Optional(
    Type.Array(Type.Object({ attempt: Type.Integer(), worker: Type.String(), startedAt: IsoTime }), {
      description: 'With `serve --redis`: each worker that took the run; a second entry means a worker died mid-run and another took over',
    }),
  ),
};

export const RunSummarySchema = Type.Object(RunSummaryFields);
export const RunSchema = Type.Object({ ...RunSummaryFields, workflow: WorkflowJson });

export const QueueRunBody = Type.Object(
  {
    workflow: Type.Optional(WorkflowBodySchema),
    workflowName: Type.Optional(Type.String({ pattern: WORKFLOW_NAME_PATTERN })),
    overrides: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Literal inputs to set, e.g. {"unet.seed": 7}' }),
    ),
  },
  { additionalProperties: false, description: 'Give exactly one of workflow and workflowName' },
);

export const QueuedSchema = Type.Object({ id: Type.String(), status: RunStatusSchema });

export const RunParams = Type.Object({ runId: Type.String({ minLength: 1, maxLength: 64 }) });

export const RunListQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'At most this many runs (default 100)' })),
});
