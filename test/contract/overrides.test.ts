import { describe, expect, it } from 'vitest';
import { overrideInputs, parseOverrideKey, type Workflow } from '../../contract/index.ts';

const workflow = (): Workflow => ({
  version: 1,
  nodes: { 'stage.1': { type: 'Number', inputs: { value: 1 } }, stage: { type: 'Number', inputs: { value: 2 } } },
});

describe('override keys', () => {
  it('stage.1.value means input "value" of node "stage.1": the key splits at its last dot', () => {
    expect(parseOverrideKey('stage.1.value')).toEqual({ nodeId: 'stage.1', input: 'value' });
    const { workflow: changed, issues } = overrideInputs(workflow(), { 'stage.1.value': 5 });
    expect(issues).toEqual([]);
    expect(changed.nodes['stage.1'].inputs).toEqual({ value: 5 });
    expect(changed.nodes.stage.inputs).toEqual({ value: 2 });
  });

  it('a key without a node id or an input is a bad_override issue, not an exception', () => {
    for (const key of ['value', '.value', 'stage.']) {
      expect(parseOverrideKey(key)).toBeUndefined();
      expect(overrideInputs(workflow(), { [key]: 1 }).issues).toEqual([
        { code: 'bad_override', message: `Cannot set "${key}": expected <nodeId>.<input>` },
      ]);
    }
  });

  it('leaves the given workflow untouched', () => {
    const original = workflow();
    overrideInputs(original, { 'stage.value': 9 });
    expect(original).toEqual(workflow());
  });
});
