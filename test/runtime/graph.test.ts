import { describe, expect, it } from 'vitest';
import { executionOrder, findCycles, linksOf } from '../../runtime/graph.ts';
import { chainWorkflow, link } from './fixtures/test-nodes.ts';

describe('graph', () => {
  it('lists a node\'s links by input name', () => {
    expect(linksOf(chainWorkflow().nodes.add)).toEqual([['a', { from: 'n', output: 'value' }]]);
    expect(linksOf({ type: 'Number' })).toEqual([]);
  });

  it('orders the needed nodes producers-first, each once', () => {
    const workflow = {
      version: 1 as const,
      nodes: {
        out2: { type: 'Show', inputs: { value: link('b', 'x') } },
        out1: { type: 'Show', inputs: { value: link('a', 'x') } },
        b: { type: 'Add', inputs: { a: link('a', 'x') } },
        a: { type: 'Number' },
        spare: { type: 'Number' },
      },
    };
    expect(executionOrder(workflow, ['out2', 'out1'])).toEqual(['a', 'b', 'out2', 'out1']);
  });

  it('finds cycles, including self-links, and ignores links to missing nodes', () => {
    const workflow = {
      version: 1 as const,
      nodes: {
        a: { type: 'Add', inputs: { a: link('c', 'x') } },
        b: { type: 'Add', inputs: { a: link('a', 'x') } },
        c: { type: 'Add', inputs: { a: link('b', 'x') } },
        self: { type: 'Add', inputs: { a: link('self', 'x'), b: link('ghost', 'x') } },
        fine: { type: 'Add', inputs: { a: link('a', 'x') } },
      },
    };
    expect(findCycles(workflow)).toEqual([['a', 'c', 'b', 'a'], ['self', 'self']]);
    expect(findCycles(chainWorkflow())).toEqual([]);
  });
});
