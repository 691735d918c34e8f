import { Type } from '@sinclair/typebox';
import { IsoTime } from './common.ts';

export const WORKFLOW_NAME_PATTERN = '^[A-Za-z0-9_-]{1,100}$';

export const WorkflowParams = Type.Object({
  projectId: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({ pattern: WORKFLOW_NAME_PATTERN, description: 'Letters, digits, "_" and "-"' }),
});

export const WorkflowEntrySchema = Type.Object({ name: Type.String(), updatedAt: IsoTime });
