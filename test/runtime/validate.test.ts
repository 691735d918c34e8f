import { describe, expect, it } from 'vitest';
import { defineNode, definePlugin, int, output, validateWorkflow } from '../../runtime/index.ts';
import { chainWorkflow, link, testRegistry } from './fixtures/test-nodes.ts';

const registry = testRegistry();
const issuesOf = (workflow: unknown) => validateWorkflow(workflow, registry);
const summary = (workflow: unknown) => issuesOf(workflow).map(({ code, nodeId, input }) => ({ code, nodeId, input }));

describe('validateWorkflow', () => {
  it('accepts a well-formed workflow with no issues', () => {
    expect(issuesOf(chainWorkflow())).toEqual([]);
  });

  it('reports a cycle, an unknown type, a missing input and an out-of-range value in one call, each naming its node', () => {
    const issues = issuesOf({
      version: 1,
      nodes: {
        a: { type: 'Add', inputs: { a: link('b', 'sum') } },
        b: { type: 'Add', inputs: { a: link('a', 'sum') } },
        mystery: { type: 'Teleport' },
        lonely: { type: 'Add', inputs: { b: 1 } },
        big: { type: 'Number', inputs: { value: 1000 } },
        show: { type: 'Show', inputs: { value: link('big', 'value') } },
      },
    });
    expect(issues.map(({ code, nodeId, input }) => ({ code, nodeId, input }))).toEqual([
      { code: 'unknown_node_type', nodeId: 'mystery', input: undefined },
      { code: 'missing_input', nodeId: 'lonely', input: 'a' },
      { code: 'out_of_range', nodeId: 'big', input: 'value' },
      { code: 'cycle', nodeId: 'a', input: undefined },
    ]);
    expect(issues[0].message).toContain('"Teleport"');
    expect(issues[1].message).toMatch(/"lonely".*"a".*INT/);
    expect(issues[2].message).toContain('above the maximum 100');
    expect(issues[3].message).toContain('a -> b -> a');
  });

  it('reports unknown inputs, bad links and type mismatches', () => {
    expect(
      summary({
        version: 1,
        nodes: {
          n: { type: 'Number', inputs: { value: 1, colour: 'red' } },
          s1: { type: 'Show', inputs: { value: link('ghost', 'value') } },
          s2: { type: 'Show', inputs: { value: link('n', 'nope') } },
          s3: { type: 'Show', inputs: { value: 5 } },
          s4: { type: 'Show', inputs: { value: link('n', 'value'), label: link('n', 'value') } },
        },
      }),
    ).toEqual([
      { code: 'unknown_input', nodeId: 'n', input: 'colour' },
      { code: 'bad_link', nodeId: 's1', input: 'value' },
      { code: 'bad_link', nodeId: 's2', input: 'value' },
      { code: 'type_mismatch', nodeId: 's3', input: 'value' },
      { code: 'type_mismatch', nodeId: 's4', input: 'label' },
    ]);
  });

  it('checks every widget kind: number types, ranges, choices, booleans, text and seeds', () => {
    const scale = (inputs: Record<string, unknown>) => ({
      version: 1,
      nodes: {
        n: { type: 'Number', inputs: { value: 1 } },
        s: { type: 'Scale', inputs: { x: link('n', 'value'), ...inputs } },
        show: { type: 'Show', inputs: { value: link('s', 'value') } },
      },
    });
    expect(summary(scale({ factor: -1 }))).toEqual([{ code: 'out_of_range', nodeId: 's', input: 'factor' }]);
    expect(summary(scale({ factor: 'big' }))).toEqual([{ code: 'type_mismatch', nodeId: 's', input: 'factor' }]);
    expect(summary(scale({ mode: 'ceil' }))).toEqual([{ code: 'not_in_choices', nodeId: 's', input: 'mode' }]);
    expect(issuesOf(scale({ mode: 'ceil' }))[0].message).toContain('round, floor');
    expect(summary(scale({ offset: 3 }))).toEqual([{ code: 'type_mismatch', nodeId: 's', input: 'offset' }]);

    const clock = (inputs: Record<string, unknown>) => ({
      version: 1,
      nodes: { c: { type: 'Clock', inputs }, show: { type: 'Show', inputs: { value: link('c', 'value'), label: 'x' } } },
    });
    expect(summary(clock({ enabled: 'yes' }))).toEqual([{ code: 'type_mismatch', nodeId: 'c', input: 'enabled' }]);
    expect(summary(clock({ seed: -1 }))).toEqual([{ code: 'out_of_range', nodeId: 'c', input: 'seed' }]);
    expect(summary(clock({ seed: 2 ** 32 }))).toEqual([{ code: 'out_of_range', nodeId: 'c', input: 'seed' }]);
    expect(summary(clock({ seed: 2 ** 32 - 1, enabled: false }))).toEqual([]);
    expect(summary(clock({ seed: 1.5 }))).toEqual([{ code: 'type_mismatch', nodeId: 'c', input: 'seed' }]);

    const number = (value: unknown) => ({
      version: 1,
      nodes: { n: { type: 'Number', inputs: { value } }, show: { type: 'Show', inputs: { value: link('n', 'value'), label: 7 } } },
    });
    expect(summary(number(-1))).toEqual([
      { code: 'out_of_range', nodeId: 'n', input: 'value' },
      { code: 'type_mismatch', nodeId: 'show', input: 'label' },
    ]);
    expect(issuesOf(number(-1))[0].message).toContain('below the minimum 0');
  });

  it('lets a widget be fed by a link of its kind, and an INT feed a FLOAT', () => {
    const workflow = {
      version: 1,
      nodes: {
        n: { type: 'Number' },
        s: { type: 'Scale', inputs: { x: link('n', 'value'), factor: link('n', 'value') } },
        show: { type: 'Show', inputs: { value: link('s', 'value') } },
      },
    };
    expect(issuesOf(workflow)).toEqual([]);
  });

  it('reports a workflow without output nodes', () => {
    expect(summary({ version: 1, nodes: { n: { type: 'Number' } } })).toEqual([
      { code: 'no_output', nodeId: undefined, input: undefined },
    ]);
  });

  it('reports schema problems with their path and node before looking at the graph', () => {
    const issues = issuesOf({ version: 2, nodes: { a: { type: 'Number', colour: 1 } } });
    expect(issues.every((issue) => issue.code === 'invalid_workflow')).toBe(true);
    expect(issues.some((issue) => issue.message.startsWith('/version'))).toBe(true);
    expect(issues.find((issue) => issue.message.startsWith('/nodes/a'))?.nodeId).toBe('a');
    expect(issuesOf('not a workflow')[0]).toMatchObject({ code: 'invalid_workflow', message: expect.stringContaining('the workflow') });
  });

  it('ignores the ui block', () => {
    expect(issuesOf({ ...chainWorkflow(), ui: { positions: { n: [0, 0] }, notes: ['hi'] } })).toEqual([]);
  });
});

describe('validateWorkflow on hostile and constrained input', () => {
  const deep = (levels: number) => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = [value];
    return value;
  };

  it.each([
    ['meta', (w: Record<string, unknown>) => ({ ...w, meta: { x: deep(5000) } })],
    ['ui', (w: Record<string, unknown>) => ({ ...w, ui: { x: deep(5000) } })],
    ['a literal input', (w: Record<string, unknown>) => {
      const workflow = structuredClone(w) as { nodes: Record<string, { inputs?: Record<string, unknown> }> };
      workflow.nodes.show.inputs = { ...workflow.nodes.show.inputs, label: deep(5000) };
      return workflow;
    }],
  ])('answers JSON nested 5,000 levels deep in %s with one coded json_too_deep issue', (_where, make) => {
    const issues = issuesOf(make(chainWorkflow() as unknown as Record<string, unknown>));
    expect(issues).toEqual([{ code: 'json_too_deep', message: expect.stringContaining('nests deeper than') }]);
  });

  it('validates a linked chain of 5,000 nodes', () => {
    const nodes: Record<string, unknown> = { n0: { type: 'Number' } };
    for (let i = 1; i < 5000; i++) nodes[`n${i}`] = { type: 'Add', inputs: { a: link(`n${i - 1}`, i === 1 ? 'value' : 'sum') } };
    nodes.show = { type: 'Show', inputs: { value: link('n4999', 'sum') } };
    expect(issuesOf({ version: 1, nodes })).toEqual([]);
  });

  it('refuses a whole number off its declared step, naming the node and input, and shows long values shortened', () => {
    const registry = testRegistry();
    const workflow = chainWorkflow() as { nodes: Record<string, { inputs?: Record<string, unknown> }> };
    expect(validateWorkflow(workflow, registry)).toEqual([]);
    const stepped = defineStepped();
    registry.register(definePlugin({ name: 'stepped', version: '1', nodes: [stepped] }));
    const issues = validateWorkflow({ version: 1, nodes: { ...workflow.nodes, size: { type: 'Stepped', inputs: { width: 100 } } } }, registry);
    expect(issues).toEqual([{
      code: 'not_multiple_of_step',
      nodeId: 'size',
      input: 'width',
      message: 'Node "size" (Stepped), input "width": 100 is not a multiple of 8 (nearest: 96 or 104)',
    }]);
    expect(validateWorkflow({ version: 1, nodes: { ...workflow.nodes, size: { type: 'Stepped', inputs: { width: 96 } } } }, registry)).toEqual([]);
    const long = validateWorkflow({ version: 1, nodes: { ...workflow.nodes, size: { type: 'Stepped', inputs: { width: 'x'.repeat(10_000) } } } }, registry);
    expect(long[0].message.length).toBeLessThan(200);
  });
});

function defineStepped() {
  return defineNode({
    type: 'Stepped',
    displayName: 'Stepped',
    category: 't',
    description: '',
    inputs: { width: int({ default: 0, min: 0, max: 2048, step: 8 }) },
    outputs: { value: output<number>('INT') },
    execute: async ({ width }) => ({ value: width }),
  });
}
