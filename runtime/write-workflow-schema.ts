// Regenerates workflow.schema.json (at the repository root, or at the path given) from the TypeBox schema.
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WORKFLOW_SCHEMA_FILE, workflowSchemaText } from './workflow-schema-text.ts';

const target = process.argv[2] ?? fileURLToPath(new URL(`../${WORKFLOW_SCHEMA_FILE}`, import.meta.url));
writeFileSync(`${target}.tmp`, workflowSchemaText());
renameSync(`${target}.tmp`, target);
console.log(`wrote ${target}`);
