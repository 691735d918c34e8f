import type { InputValue, Link } from '../../runtime/index.ts';

/** A value flowing out of a ComfyUI output slot, as latentflow sees it. */
export type ComfyValue = LinkedValue | { literal: InputValue };
/** A latentflow node output; `clipSkip` rides along on CLIP values (CLIPSetLastLayer sets it, CLIPTextEncode uses it). */
export interface LinkedValue {
  link: Link;
  clipSkip?: number;
}

export type WidgetSpec = { name: string; tooltip?: string } & (
  | { type: 'INT'; default: number; min: number; max: number; step?: number; controlAfterGenerate?: boolean }
  | { type: 'FLOAT'; default: number; min: number; max: number; step: number; round?: number }
  | { type: 'STRING'; default: string; multiline?: boolean }
  | { type: 'BOOLEAN'; default: boolean }
  /** A list of choices; `choices` reads them from the environment (model files, sampler names). */
  | { type: 'COMBO'; choices: (env: ComfyEnvironment) => string[]; default?: string; imageUpload?: boolean }
);

export interface SocketSpec {
  name: string;
  type: string;
  optional?: boolean;
}

export type ComfyInputSpec = SocketSpec | WidgetSpec;
const WIDGET_TYPES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO']);
export const isWidget = (spec: ComfyInputSpec): spec is WidgetSpec => WIDGET_TYPES.has(spec.type);

/** What conversions need to know about the installation: the models and the latentflow node choices. */
export interface ComfyEnvironment {
  /** Checkpoint names as ComfyUI lists them (file names, and converted/ONNX folder names). */
  checkpoints: string[];
  /** Names of latentflow inputs' choices, e.g. choices('Scheduler', 'sampler'). */
  choices(type: string, input: string): string[];
  /** Whether a latentflow node type has this input (lets entries use inputs that land later). */
  hasInput(type: string, input: string): boolean;
  hasOutput(type: string, output: string): boolean;
  hasType(type: string): boolean;
  /** A latentflow node type's current version: converted nodes record it, so later migrations know what they hold. */
  versionOf(type: string): number;
  /** LoRA files in data/loras/. */
  loras: string[];
  /** Image files a LoadImage can read. */
  inputImages: string[];
  /** Upscale model files in data/upscale_models/. */
  upscaleModels: string[];
  /** ControlNet files and diffusers folders in data/controlnet/. */
  controlNets: string[];
  /** VAE files in data/vae/. */
  vaes: string[];
}

/** The ComfyUI node being translated: its inputs, resolved. */
export interface ComfyNodeView {
  readonly id: string;
  readonly classType: string;
  readonly env: ComfyEnvironment;
  /** A widget's literal value (its default when absent). */
  literal(name: string): InputValue;
  number(name: string): number;
  string(name: string): string;
  /** A widget's value for a latentflow input: the literal, or a link when the widget was turned into a socket. */
  value(name: string): InputValue;
  /** The link into a socket; a missing required socket is an error naming the node and input. */
  link(name: string): Link;
  /** The full value into a socket (with what rides along). */
  socket(name: string): LinkedValue;
  /** Adds a latentflow node; `part` '' gives it the ComfyUI id, others `<id>.<part>`. Returns its id. */
  add(part: string, type: string, inputs: Record<string, InputValue>): string;
  /** An error about this node (code from errors.ts). */
  fail(code: 'comfy_unsupported_value' | 'comfy_value_not_in_list', input: string, message: string): never;
}

/** One ComfyUI class: its declared interface (object_info, UI widget order) and how it becomes latentflow nodes. */
export interface ComfyClass {
  /** The latentflow node types it becomes: a class whose types this installation lacks is unmapped here. */
  uses: string[];
  category: string;
  description: string;
  outputNode?: boolean;
  /** ComfyUI's inputs in declaration order; widgets_values follow the widgets' order here. */
  inputs: ComfyInputSpec[];
  outputs: { name: string; type: string }[];
  /** The latentflow value of each output slot; undefined for a slot latentflow has no equivalent of. */
  translate(node: ComfyNodeView): (ComfyValue | undefined)[];
}

export const out = (from: string, output: string): ComfyValue => ({ link: { from, output } });
