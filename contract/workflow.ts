import { Type, type Static } from '@sinclair/typebox';

/** More nodes than any hand-built or generated graph needs; keeps validation and storage bounded. */
export const MAX_WORKFLOW_NODES = 10_000;

/** The one description of workflow JSON v1: TS types, runtime validation and `workflow.schema.json` come from it. */
export const LinkSchema = Type.Object(
  {
    from: Type.String({ minLength: 1, description: 'Id of the node that produces the value' }),
    output: Type.String({ minLength: 1, description: 'Name of that node\'s output' }),
  },
  { additionalProperties: false, description: 'A connection from another node\'s output' },
);

const InputValueSchema = Type.Union([
  LinkSchema,
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
  Type.Array(Type.Unknown()),
  Type.Record(Type.String(), Type.Unknown()),
]);

const WorkflowNodeSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, description: 'Registered node type, e.g. "UNetStep"' }),
    inputs: Type.Optional(
      Type.Record(Type.String(), InputValueSchema, {
        description: 'Named inputs: a literal value, or a link {"from","output"}',
      }),
    ),
    title: Type.Optional(Type.String({ description: 'Display title chosen by the user' })),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Version of the node type the inputs were written for; absent means 1' }),
    ),
  },
  { additionalProperties: false },
);

export const WorkflowSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(1),
    nodes: Type.Record(Type.String({ minLength: 1 }), WorkflowNodeSchema, {
      description: 'Nodes keyed by id',
      maxProperties: MAX_WORKFLOW_NODES,
    }),
    ui: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Editor state (positions, viewport, groups, notes); ignored by the runtime',
      }),
    ),
    meta: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form metadata' })),
  },
  {
    $id: 'https://latentflow.dev/workflow.schema.json',
    title: 'latentflow workflow',
    description: 'A latentflow node graph, version 1',
    additionalProperties: false,
  },
);

export type Link = Static<typeof LinkSchema>;
export type InputValue = Static<typeof InputValueSchema>;
export type WorkflowNode = Static<typeof WorkflowNodeSchema>;
export type Workflow = Static<typeof WorkflowSchema>;

/** A link is exactly `{from, output}`; an object with more keys is a literal value. */
export function isLink(value: unknown): value is Link {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 2 &&
    typeof (value as Link).from === 'string' &&
    typeof (value as Link).output === 'string'
  );
}
