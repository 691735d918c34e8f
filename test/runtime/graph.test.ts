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

  it('orders and cycle-checks a linked chain of 5,000 nodes without overflowing the stack', () => {
    const nodes: Record<string, { type: string; inputs?: Record<string, unknown> }> = { n0: { type: 'Number' } };
    for (let i = 1; i < 5000; i++) nodes[`n${i}`] = { type: 'Add', inputs: { a: link(`n${i - 1}`, 'sum') } };
    const workflow = { version: 1 as const, nodes } as Parameters<typeof findCycles>[0];
    expect(findCycles(workflow)).toEqual([]);
    const order = executionOrder(workflow, ['n4999']);
    expect(order.length).toBe(5000);
    expect(order[0]).toBe('n0');
    expect(order[4999]).toBe('n4999');
    nodes.n0 = { type: 'Add', inputs: { a: link('n4999', 'sum') } };
    expect(findCycles(workflow).map((cycle) => cycle.length)).toEqual([5001]);
  });
});
