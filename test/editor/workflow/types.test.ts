import { describe, expect, it } from 'vitest';
import { asWorkflow, isLink } from '../../../editor/src/workflow/types.ts';
import { sampleWorkflow } from '../fixtures.ts';

describe('workflow helpers', () => {
  it('asWorkflow checks the shape against the workflow contract and names the file and node', () => {
    expect(() => asWorkflow({ version: 1, nodes: { a: { inputs: {} } } }, 'f.json')).toThrow(expect.objectContaining({
      code: 'bad_workflow',
      message: expect.stringMatching(/^f\.json: \/nodes\/a\/type/),
    }));
    expect(() => asWorkflow([], 'f.json')).toThrow(expect.objectContaining({ code: 'bad_workflow' }));
    expect(asWorkflow(sampleWorkflow(), 'ok.json').nodes.save.type).toBe('SaveImage');
  });

  it('asWorkflow refuses JSON nested 5,000 levels deep with a message, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => asWorkflow({ version: 1, nodes: {}, meta: { deep } }, 'deep.json')).toThrow('deep.json nests deeper than 64 levels');
  });

  it('isLink is the contract\'s: an object with a key besides from and output is a literal, as in the runtime', () => {
    expect(isLink({ from: 'a', output: 'b' })).toBe(true);
    expect(isLink({ from: 'a', output: 'b', extra: 1 })).toBe(false);
    expect(isLink({ from: 'a' })).toBe(false);
    expect(isLink(['a', 'b'])).toBe(false);
    expect(isLink(null)).toBe(false);
  });
});
