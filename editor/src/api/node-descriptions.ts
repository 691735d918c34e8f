import type { InputDescription, NodeDescription } from './types.ts';

type Named<T> = T & { name: string };
type Listed<T> = Record<string, T> | Named<T>[];

interface RawDescription extends Omit<NodeDescription, 'inputs' | 'outputs'> {
  inputs: Listed<InputDescription>;
  outputs: Listed<{ type: string; description?: string }>;
}

/** The registry describes inputs and outputs as ordered lists of `{name, ...}`; the editor keys them by name. */
export function normalizeDescriptions(raw: unknown[]): NodeDescription[] {
  return (raw as RawDescription[]).map((d) => ({ ...d, inputs: byName(d.inputs), outputs: byName(d.outputs) }));
}

function byName<T>(entries: Listed<T>): Record<string, T> {
  if (!Array.isArray(entries)) return { ...entries };
  return Object.fromEntries(entries.map(({ name, ...rest }) => [name, rest as unknown as T]));
}
