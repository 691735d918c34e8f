import { defineNode, definePlugin, int, output, socket } from '../runtime/index.ts';

const NUMBER = 'BENCH_NUMBER';

/** Adds a constant to its input: as little work as a node can do. */
const addNode = defineNode({
  type: 'BenchAdd',
  displayName: 'Bench Add',
  category: 'bench',
  description: 'value + amount (a trivial node for measuring per-node overhead).',
  inputs: {
    value: socket<number>(NUMBER, { optional: true }),
    amount: int({ default: 1 }),
  },
  outputs: { value: output<number>(NUMBER) },
  async execute({ value, amount }) {
    return { value: (value ?? 0) + amount };
  },
});

const resultNode = defineNode({
  type: 'BenchResult',
  displayName: 'Bench Result',
  category: 'bench',
  description: 'Hands the final number back as the run output.',
  output: true,
  inputs: { value: socket<number>(NUMBER) },
  outputs: {},
  async execute() {
    return {};
  },
});

export const trivialPlugin = definePlugin({
  name: 'latentflow-bench',
  version: '0.0.0',
  runtime: '^1',
  description: 'Trivial nodes for the overhead benchmark.',
  nodes: [addNode, resultNode],
});

/** A chain of `count` BenchAdd nodes ending in one BenchResult. */
export function trivialChain(count: number): { version: 1; nodes: Record<string, unknown> } {
  const nodes: Record<string, unknown> = { n0: { type: 'BenchAdd', inputs: { amount: 1 } } };
  for (let i = 1; i < count; i++) nodes[`n${i}`] = { type: 'BenchAdd', inputs: { value: { from: `n${i - 1}`, output: 'value' }, amount: i } };
  nodes.result = { type: 'BenchResult', inputs: { value: { from: `n${count - 1}`, output: 'value' } } };
  return { version: 1, nodes };
}
