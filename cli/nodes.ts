import type { InputDescription, NodeDescription } from '../runtime/index.ts';
import { defineCommand, EXIT } from './args.ts';
import { DEFAULT_PLUGINS_DIR, loadRegistry } from './registry.ts';

const USAGE = `usage: latentflow nodes [--json] [--plugins <dir>]

  Lists the node types available (built-in and from plugins).
  --json      print the editor's node descriptions as JSON`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
  },
  async run({ values }) {
    const nodes = (await loadRegistry(values.plugins)).describe();
    process.stdout.write(values.json ? `${JSON.stringify(nodes, null, 2)}\n` : formatNodes(nodes));
    return EXIT.ok;
  },
});

function formatNodes(nodes: NodeDescription[]): string {
  const categories = [...new Set(nodes.map((node) => node.category))].sort();
  return categories
    .map((category) => {
      const members = nodes.filter((node) => node.category === category);
      return `${category}\n${members.map(formatNode).join('')}`;
    })
    .join('\n');
}

function formatNode(node: NodeDescription): string {
  const flags = [node.output && 'output', node.alwaysRun && 'always runs'].filter(Boolean);
  const outputs = node.outputs.map((o) => `${o.name}: ${o.type}`).join(', ') || 'none';
  return (
    `  ${node.type}${flags.length ? ` [${flags.join(', ')}]` : ''} — ${node.displayName} (${node.plugin})\n` +
    (node.description ? `      ${node.description}\n` : '') +
    `      in:  ${node.inputs.map(formatInput).join(', ') || 'none'}\n` +
    `      out: ${outputs}\n`
  );
}

function formatInput(input: InputDescription): string {
  switch (input.kind) {
    case 'socket':
      return `${input.name}: ${input.type}${input.optional ? '?' : ''}`;
    case 'int':
    case 'float': {
      const range = input.min !== undefined || input.max !== undefined ? ` [${input.min ?? ''}..${input.max ?? ''}]` : '';
      return `${input.name}: ${input.kind} = ${input.default}${range}`;
    }
    case 'enum':
      return `${input.name}: ${input.choices.join('|')} = ${input.default}`;
    default:
      return `${input.name}: ${input.kind} = ${JSON.stringify(input.default)}`;
  }
}
