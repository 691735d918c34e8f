import type { Logger } from './logger.ts';
import type { SessionPool } from './backends/types.ts';

/** A value that flows between nodes through a typed socket, e.g. `socket<Latent>('LATENT')`. */
export interface SocketInput<T = unknown> {
  kind: 'socket';
  type: string;
  optional?: boolean;
  description?: string;
  /** Phantom field: carries the TypeScript type of the value; never set at run time. */
  readonly __value?: T;
}

interface WidgetBase<K extends string, T> {
  kind: K;
  default: T;
  description?: string;
  /** Widget inputs may also be fed by a link from another node's output of this socket type. */
  socketType?: string;
}

export interface IntWidget extends WidgetBase<'int', number> { min?: number; max?: number; step?: number }
export interface FloatWidget extends WidgetBase<'float', number> { min?: number; max?: number; step?: number }
export interface StringWidget extends WidgetBase<'string', string> { multiline?: boolean }
export type BooleanWidget = WidgetBase<'boolean', boolean>;
export interface EnumWidget<C extends string = string> extends WidgetBase<'enum', C> { choices: readonly C[] }
/** A seed: an integer in [0, 2^32); editors offer fixed / increment / randomize after each run. */
export type SeedWidget = WidgetBase<'seed', number>;

export type WidgetInput = IntWidget | FloatWidget | StringWidget | BooleanWidget | EnumWidget | SeedWidget;
export type InputSpec = SocketInput | WidgetInput;

export interface OutputSpec<T = unknown> {
  type: string;
  description?: string;
  readonly __value?: T;
}

type ValueOf<S> =
  S extends SocketInput<infer T> ? (S['optional'] extends true ? T | undefined : T)
  : S extends EnumWidget<infer C> ? C
  : S extends WidgetBase<string, infer T> ? T
  : never;

export type InputValues<I extends Record<string, InputSpec>> = { [K in keyof I]: ValueOf<I[K]> };
export type OutputValues<O extends Record<string, OutputSpec>> = {
  [K in keyof O]: O[K] extends OutputSpec<infer T> ? T : never;
};

/** What a node may show while it runs: an encoded image, or a raw float32 tensor such as a latent. */
export type Preview =
  | { kind: 'image'; mime: 'image/png' | 'image/jpeg'; data: Uint8Array; width: number; height: number; step?: number }
  | { kind: 'latent'; data: Float32Array; shape: number[]; step?: number };

/** Everything a node's `execute` gets besides its inputs. */
export interface NodeContext {
  nodeId: string;
  /** Aborted when the run is cancelled; long nodes check it between steps. */
  signal: AbortSignal;
  progress(value: number, max: number): void;
  preview(preview: Preview): void;
  log: Logger;
  /** Services and settings of this run (folders, backend, the workflow itself), shared by all nodes. */
  env: RunEnvironment;
}

/**
 * Settings of one run. Plugins extend it by declaration merging:
 * `declare module '../runtime/node-definition.ts' { interface RunEnvironment { myService: X } }`.
 */
export interface RunEnvironment {
  /** The folder that holds models, vocabularies and the database. */
  dataDir: string;
  /** Where output nodes write files. */
  outputDir: string;
  /** Where input files (uploaded images) are read from. */
  inputDir: string;
  /** The backend the user asked for (`cpu`, `cuda`, ...). */
  backend: string;
  /** The workflow being run, as JSON, e.g. for embedding into saved images. */
  workflow: unknown;
  /** Opens ONNX models on the chosen backend; inference runs off the main thread. */
  sessions: SessionPool;
}

export interface NodeDefinition<
  I extends Record<string, InputSpec> = Record<string, InputSpec>,
  O extends Record<string, OutputSpec> = Record<string, OutputSpec>,
> {
  /** Unique type name used in workflow JSON, e.g. `UNetStep`. */
  type: string;
  /**
   * Version of the node's inputs (default 1). Raise it when an input is renamed, removed or changes meaning,
   * and give `migrate`; workflows record the version each node was written for.
   */
  version?: number;
  /**
   * Turns the inputs of a workflow node written for an older version into this version's inputs (links
   * included, as `{from, output}`). Called once per node with the version it was written for.
   */
  migrate?(inputs: Record<string, unknown>, fromVersion: number): Record<string, unknown>;
  displayName: string;
  category: string;
  description: string;
  inputs: I;
  outputs: O;
  /** Output nodes are the roots of execution: a run computes what they need. */
  output?: boolean;
  /** Never served from the cache (e.g. nodes that read files that may change). */
  alwaysRun?: boolean;
  /**
   * What the node's result depends on besides its inputs, e.g. a file's path, size and mtime. Called
   * before the cache is looked up: the node re-runs only when its inputs or this string change.
   */
  fingerprint?(inputs: InputValues<I>, env: RunEnvironment): string | Promise<string>;
  execute(inputs: InputValues<I>, ctx: NodeContext): Promise<OutputValues<O>>;
}

export function defineNode<I extends Record<string, InputSpec>, O extends Record<string, OutputSpec>>(
  definition: NodeDefinition<I, O>,
): NodeDefinition<I, O> {
  return Object.freeze(definition);
}

export function socket<T>(type: string, options: { optional?: boolean; description?: string } = {}): SocketInput<T> {
  return { kind: 'socket', type, ...options };
}

export function output<T>(type: string, description?: string): OutputSpec<T> {
  return description === undefined ? { type } : { type, description };
}

export const int = (o: Omit<IntWidget, 'kind'>): IntWidget => ({ kind: 'int', ...o });
export const float = (o: Omit<FloatWidget, 'kind'>): FloatWidget => ({ kind: 'float', ...o });
export const string = (o: Omit<StringWidget, 'kind'>): StringWidget => ({ kind: 'string', ...o });
export const boolean = (o: Omit<BooleanWidget, 'kind'>): BooleanWidget => ({ kind: 'boolean', ...o });
export const seed = (o: Omit<SeedWidget, 'kind'>): SeedWidget => ({ kind: 'seed', ...o });
export function choice<const C extends string>(o: Omit<EnumWidget<C>, 'kind'>): EnumWidget<C> {
  return { kind: 'enum', ...o };
}
