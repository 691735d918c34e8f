import { describe, expect, it } from 'vitest';
import { asWorkflow, isLink, withOverrides } from '../../../editor/src/workflow/types.ts';
import { sampleWorkflow } from '../fixtures.ts';

describe('workflow helpers', () => {
  it('withOverrides sets literal inputs on a copy and leaves the original alone', () => {
    const original = sampleWorkflow();
    const changed = withOverrides(original, { 'positive.text': 'a dog', 'unet.seed': 7 });
    expect(changed.nodes.positive.inputs.text).toBe('a dog');
    expect(changed.nodes.unet.inputs.seed).toBe(7);
    expect(original.nodes.positive.inputs.text).toBe('a red circle');
  });

  it('withOverrides names an override whose node is not in the workflow', () => {
    expect(() => withOverrides(sampleWorkflow(), { 'ghost.text': 'x' })).toThrow('override "ghost.text" names no node of the workflow');
  });

  it('asWorkflow rejects nodes without a type and names them', () => {
    expect(() => asWorkflow({ version: 1, nodes: { a: { inputs: {} } } }, 'f.json')).toThrow('f.json: node "a" has no type');
    expect(() => asWorkflow([], 'f.json')).toThrow('f.json: workflow version must be 1');
    expect(asWorkflow(sampleWorkflow(), 'ok.json').nodes.save.type).toBe('SaveImage');
  });

  it('isLink tells links from literal objects', () => {
    expect(isLink({ from: 'a', output: 'b' })).toBe(true);
    expect(isLink({ from: 'a' })).toBe(false);
    expect(isLink(['a', 'b'])).toBe(false);
    expect(isLink(null)).toBe(false);
  });
});
