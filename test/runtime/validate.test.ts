import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../../runtime/index.ts';
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
