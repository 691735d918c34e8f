import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { isLink, WorkflowSchema } from '../../runtime/index.ts';
import { WORKFLOW_SCHEMA_FILE, workflowSchemaText } from '../../runtime/workflow-schema-text.ts';
import { chainWorkflow } from './fixtures/test-nodes.ts';

describe('workflow JSON v1', () => {
  it('accepts nodes keyed by id with named literal and linked inputs plus a ui block', () => {
    expect(Value.Check(WorkflowSchema, { ...chainWorkflow(), ui: { viewport: { x: 0, y: 0, zoom: 1 } } })).toBe(true);
    expect(Value.Check(WorkflowSchema, { version: 1, nodes: {} })).toBe(true);
  });

  it('rejects other versions, unknown top-level keys and nodes without a type', () => {
    expect(Value.Check(WorkflowSchema, { version: 2, nodes: {} })).toBe(false);
    expect(Value.Check(WorkflowSchema, { version: 1, nodes: {}, extra: true })).toBe(false);
    expect(Value.Check(WorkflowSchema, { version: 1, nodes: { a: { inputs: {} } } })).toBe(false);
  });

  it('tells links from literals', () => {
    expect(isLink({ from: 'a', output: 'b' })).toBe(true);
    expect(isLink({ from: 'a', output: 'b', extra: 1 })).toBe(false);
    expect(isLink({ from: 'a' })).toBe(false);
    expect(isLink(['a', 'b'])).toBe(false);
    expect(isLink(null)).toBe(false);
    expect(isLink('a.b')).toBe(false);
  });

  it('workflow.schema.json is up to date: regenerating it changes nothing', () => {
    const published = readFileSync(join(import.meta.dirname, '../..', WORKFLOW_SCHEMA_FILE), 'utf8');
    expect(published).toBe(workflowSchemaText());
    expect(published.split('\n')[1]).toContain('Generated from contract/workflow.ts');
  });

  it('the generator script writes the same text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentflow-schema-'));
    try {
      const target = join(dir, WORKFLOW_SCHEMA_FILE);
      execFileSync(process.execPath, ['--import', 'tsx', 'runtime/write-workflow-schema.ts', target], { cwd: join(import.meta.dirname, '../..') });
      expect(readFileSync(target, 'utf8')).toBe(workflowSchemaText());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
