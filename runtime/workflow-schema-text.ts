import { WorkflowSchema } from '../contract/index.ts';

export const WORKFLOW_SCHEMA_FILE = 'workflow.schema.json';

/** The published JSON Schema of workflow JSON v1, exactly as `workflow.schema.json` holds it. */
export function workflowSchemaText(): string {
  const schema = {
    $comment: 'Generated from contract/workflow.ts by `node --import tsx runtime/write-workflow-schema.ts`; do not edit.',
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...WorkflowSchema,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
