import { describe, expect, it } from 'vitest';
import { FlowNode } from '../../../editor/src/graph/schemes.ts';
import { applyWidgetEdit, WidgetEditRecorder } from '../../../editor/src/graph/widget-edit.ts';
import { CATALOG } from '../fixtures.ts';

function setup() {
  const node = new FlowNode(CATALOG.get('Tokenizer')!, 'positive');
  const actions: { undo(): void; redo(): void }[] = [];
  let time = 0;
  const recorder = new WidgetEditRecorder((a) => actions.push(a), applyWidgetEdit, () => time);
  const type = (text: string, before: string, at: number) => {
    time = at;
    const edit = { node, field: 'values' as const, input: 'text', before, after: text };
    applyWidgetEdit(edit, 'after');
    recorder.record(edit);
  };
  return { node, actions, type };
}

describe('undoable widget edits', () => {
  it('merges a burst of edits to one field into one undo step', () => {
    const { node, actions, type } = setup();
    type('a', '', 0);
    type('ab', 'a', 300);
    type('abc', 'ab', 600);
    expect(actions).toHaveLength(1);
    actions[0].undo();
    expect(node.values.text).toBe('');
    actions[0].redo();
    expect(node.values.text).toBe('abc');
  });

  it('starts a new step after a pause or in another field', () => {
    const { node, actions, type } = setup();
    type('a', '', 0);
    type('ab', 'a', 5000);
    expect(actions).toHaveLength(2);
    actions[1].undo();
    expect(node.values.text).toBe('a');
    const seedEdit = { node, field: 'seedModes' as const, input: 'seed', before: 'fixed', after: 'randomize' };
    expect(() => applyWidgetEdit(seedEdit, 'after')).not.toThrow();
    expect(node.seedModes.seed).toBe('randomize');
  });
});
