import { describe, expect, it } from 'vitest';
import { applyOverrides, overrideInputs } from '../../runtime/index.ts';
import { chainWorkflow } from './fixtures/test-nodes.ts';

describe('applyOverrides', () => {
  it('returns a copy with the given literal inputs replaced, leaving the original alone', () => {
    const workflow = chainWorkflow(2, 3);
    const changed = applyOverrides(workflow, { 'add.b': 7, 'show.label': 'total', 'n.value': 4 });
    expect(changed.nodes.add.inputs).toEqual({ a: { from: 'n', output: 'value' }, b: 7 });
    expect(changed.nodes.show.inputs).toMatchObject({ label: 'total' });
    expect(changed.nodes.n.inputs).toEqual({ value: 4 });
    expect(workflow.nodes.add.inputs.b).toBe(3);
    expect(changed.nodes.unused).toBe(workflow.nodes.unused);
  });

  it('splits at the last dot so node ids may contain dots, and adds inputs a node did not list', () => {
    const workflow = { version: 1 as const, nodes: { 'stage.1': { type: 'Number' } } };
    expect(applyOverrides(workflow, { 'stage.1.value': 5 }).nodes['stage.1'].inputs).toEqual({ value: 5 });
  });

  it('refuses keys without an input or naming a node that does not exist', () => {
    const workflow = chainWorkflow();
    for (const key of ['add', '.b', 'add.']) {
      expect(() => applyOverrides(workflow, { [key]: 1 })).toThrow(expect.objectContaining({ code: 'bad_override', message: expect.stringContaining('<nodeId>.<input>') }));
    }
    expect(() => applyOverrides(workflow, { 'ghost.b': 1 })).toThrow('Cannot set "ghost.b": the workflow has no node "ghost"');
  });

  it('overrideInputs applies the good overrides and returns an issue for each bad one', () => {
    const workflow = chainWorkflow(2, 3);
    const { workflow: changed, issues } = overrideInputs(workflow, { 'ghost.b': 1, 'add.b': 7, 'add.': 2 });
    expect(changed.nodes.add.inputs?.b).toBe(7);
    expect(issues.map((issue) => [issue.code, issue.message])).toEqual([
      ['bad_override', 'Cannot set "ghost.b": the workflow has no node "ghost"'],
      ['bad_override', 'Cannot set "add.": expected <nodeId>.<input>'],
    ]);
  });
});
