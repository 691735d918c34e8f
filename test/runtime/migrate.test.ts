import { describe, expect, it } from 'vitest';
import { createExecutor, defineNode, definePlugin, int, migrateWorkflow, output, validateWorkflow } from '../../runtime/index.ts';
import { link, testEnv, testRegistry } from './fixtures/test-nodes.ts';

/** Version 2 renamed input `count` to `value`; version 1 workflows say `count`. */
const Renamed = defineNode({
  type: 'Renamed',
  displayName: 'Renamed',
  category: 't',
  description: '',
  version: 2,
  migrate(inputs, fromVersion) {
    if (fromVersion === 1) {
      const { count, ...rest } = inputs;
      if (count === 'explode') throw new Error('count cannot be read');
      return { ...rest, value: count };
    }
    return inputs;
  },
  inputs: { value: int({ default: 0 }) },
  outputs: { value: output<number>('INT') },
  execute: async ({ value }) => ({ value }),
});

function registry() {
  const r = testRegistry();
  r.register(definePlugin({ name: 'versioned', version: '1', nodes: [Renamed] }));
  return r;
}

const workflowWith = (node: Record<string, unknown>) => ({
  version: 1 as const,
  nodes: { r: { type: 'Renamed', ...node }, show: { type: 'Show', inputs: { value: link('r', 'value') } } },
});

describe('node versions', () => {
  it('migrates a node written without a version (version 1) and records the current version', () => {
    const { workflow, issues } = migrateWorkflow(workflowWith({ inputs: { count: 4 } }), registry());
    expect(issues).toEqual([]);
    expect(workflow.nodes.r).toEqual({ type: 'Renamed', inputs: { value: 4 }, version: 2 });
    expect(workflow.nodes.show).toEqual({ type: 'Show', inputs: { value: link('r', 'value') } });
  });

  it('leaves nodes at the current version as they are', () => {
    const current = workflowWith({ inputs: { value: 4 }, version: 2 });
    expect(migrateWorkflow(current, registry()).workflow).toBe(current);
  });

  it('validates and runs an old workflow through its migration', async () => {
    const old = workflowWith({ inputs: { count: 4 } });
    expect(validateWorkflow(old, registry())).toEqual([]);
    const result = await createExecutor({ registry: registry() }).run(old, { env: testEnv });
    expect(result).toMatchObject({ status: 'finished', outputs: { show: { value: 4 } } });
  });

  it('refuses a node written for a newer version, and names a node whose migration throws', () => {
    expect(validateWorkflow(workflowWith({ inputs: { value: 1 }, version: 3 }), registry())).toEqual([{
      code: 'node_version_unsupported',
      nodeId: 'r',
      message: expect.stringContaining('written for version 3, but this Renamed is version 2'),
    }]);
    expect(validateWorkflow(workflowWith({ inputs: { count: 'explode' } }), registry())).toEqual([{
      code: 'migration_failed',
      nodeId: 'r',
      message: expect.stringContaining('from version 1 to 2: count cannot be read'),
    }]);
  });

  it('describes each node type with its version, 1 when it declares none', () => {
    const byType = Object.fromEntries(registry().describe().map((d) => [d.type, d.version]));
    expect(byType).toMatchObject({ Renamed: 2, Number: 1 });
  });
});
