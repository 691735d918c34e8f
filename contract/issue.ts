import { Type, type Static } from '@sinclair/typebox';

/** One problem found in a request or a workflow; `code` is stable, `message` is for people. */
export const IssueSchema = Type.Object({
  code: Type.String(),
  nodeId: Type.Optional(Type.String()),
  input: Type.Optional(Type.String()),
  message: Type.String(),
});

/**
 * A failure as it travels in run events, run records and HTTP error bodies. When a request or a
 * workflow has several problems (`invalid_workflow`, `invalid_request`), every one is in `issues`.
 */
export const ErrorInfoSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable error code, e.g. project_not_found, invalid_workflow, checkpoint_corrupt' }),
    message: Type.String(),
    nodeId: Type.Optional(Type.String()),
    nodeType: Type.Optional(Type.String()),
    input: Type.Optional(Type.String()),
    issues: Type.Optional(Type.Array(IssueSchema, { description: 'Every problem, for invalid_workflow and invalid_request' })),
  },
  { description: 'An error' },
);

export type Issue = Static<typeof IssueSchema>;
export type ErrorInfo = Static<typeof ErrorInfoSchema>;
