/** One input as editors see it: a socket, or a widget with its constraints and default. */
export type InputDescription = { name: string; description?: string } & (
  | { kind: 'socket'; type: string; optional: boolean }
  | { kind: 'int' | 'float'; default: number; min?: number; max?: number; step?: number; socketType: string }
  | { kind: 'string'; default: string; multiline: boolean; socketType: string }
  | { kind: 'boolean'; default: boolean; socketType: string }
  | { kind: 'enum'; default: string; choices: string[]; socketType: string }
  | { kind: 'seed'; default: number; min: number; max: number; socketType: string }
);

export interface OutputDescription { name: string; type: string; description?: string }

/** A node type as JSON (`GET /api/nodes`), enough for an editor to build its palette, sockets and widgets. */
export interface NodeDescription {
  type: string;
  /** The node type's version; workflows record it per node so old ones can be migrated. */
  version: number;
  displayName: string;
  category: string;
  description: string;
  plugin: string;
  output: boolean;
  alwaysRun: boolean;
  inputs: InputDescription[];
  outputs: OutputDescription[];
}

export const SEED_MAX = 2 ** 32 - 1;

/** The described input called `name`, if the node type has one. */
export function inputNamed(description: Pick<NodeDescription, 'inputs'>, name: string): InputDescription | undefined {
  return description.inputs.find((input) => input.name === name);
}

export function outputNamed(description: Pick<NodeDescription, 'outputs'>, name: string): OutputDescription | undefined {
  return description.outputs.find((output) => output.name === name);
}
