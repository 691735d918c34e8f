import type { SD15Config } from '../sd15/config.ts';
import type { TensorSource } from '../checkpoint/types.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { loraInvalid, loraShapeMismatch, loraUnreadable, loraUnsupported, loraWrongArchitecture } from './errors.ts';
import { adapterChange, adapterKind, type AdapterChange, type AdapterKind, type AdapterParts, type AdapterRole } from './delta.ts';
import { loraTargets, targetName, type LoraNetwork, type LoraTarget } from './targets.ts';

/** One adapted layer of a LoRA file: its target weight and the file's tensors for it. */
export interface LoraModule {
  /** The module name as the file spells it. */
  name: string;
  target: LoraTarget;
  kind: AdapterKind;
  tensors: Partial<Record<AdapterRole | 'alpha', string>>;
}

export interface LoraFile {
  path: string;
  modules: LoraModule[];
  /** Keys of the file that no weight of the model matches (reported, never silently dropped). */
  unmatched: string[];
  /** The layer's weight change, scaled by alpha / rank (not by the strength). */
  change(module: LoraModule): AdapterChange;
  close(): void;
}

/** Parameter suffixes of the adapter formats, longest first, and the part each names. */
const SUFFIXES: [string, AdapterRole | 'alpha'][] = [
  ['.lora_linear_layer.down.weight', 'down'], ['.lora_linear_layer.up.weight', 'up'],
  ['.lora_down.weight', 'down'], ['.lora_up.weight', 'up'], ['.lora_mid.weight', 'mid'],
  ['.lora_A.default.weight', 'down'], ['.lora_B.default.weight', 'up'],
  ['.lora_A.weight', 'down'], ['.lora_B.weight', 'up'],
  ['.lora.down.weight', 'down'], ['.lora.up.weight', 'up'],
  ['.alpha', 'alpha'], ['.dora_scale', 'dora_scale'],
  ...(['hada_w1_a', 'hada_w1_b', 'hada_w2_a', 'hada_w2_b', 'hada_t1', 'hada_t2', 'lokr_w1_a', 'lokr_w1_b', 'lokr_w2_a', 'lokr_w2_b', 'lokr_w1', 'lokr_w2', 'lokr_t2'] as const)
    .map((role): [string, AdapterRole] => [`.${role}`, role]),
];

/** diffusers' attention processors: `attn1.processor.to_q_lora.down.weight` adapts `attn1.to_q`. */
const ATTENTION_PROCESSOR = /^(.*)\.processor\.(to_q|to_k|to_v|to_out)_lora\.(up|down)\.weight$/;

/** Names only SDXL has: its second text encoder, its extra embeddings, transformer depth above 1. */
const SDXL_MARKERS = [/^lora_te[12]_/, /(^|\.)text_encoder_2\./, /label_emb|add_embedding|conditioner\.embedders/, /transformer_blocks[._][1-9]/];

interface ParsedKey {
  network: LoraNetwork;
  module: string;
  role: AdapterRole | 'alpha';
}

function parseKey(key: string): ParsedKey | undefined {
  const name = key.replace(/^base_model\.model\./, '');
  let module: string | undefined;
  let role: ParsedKey['role'] | undefined;
  const processor = ATTENTION_PROCESSOR.exec(name);
  if (processor) {
    module = `${processor[1]}.${processor[2] === 'to_out' ? 'to_out.0' : processor[2]}`;
    role = processor[3] as 'up' | 'down';
  } else {
    const suffix = SUFFIXES.find(([s]) => name.endsWith(s));
    if (!suffix) return undefined;
    module = name.slice(0, -suffix[0].length);
    role = suffix[1];
  }
  for (const [prefix, network] of [['lora_unet_', 'unet'], ['lora_te_', 'text_encoder'], ['unet.', 'unet'], ['text_encoder.', 'text_encoder']] as const) {
    if (module.startsWith(prefix)) return { network, module: module.slice(prefix.length), role };
  }
  return { network: module.startsWith('text_model.') ? 'text_encoder' : 'unet', module, role };
}

/**
 * Opens a LoRA / LoCon / LoHa / LoKr file (.safetensors, or a torch zip read by the safe
 * unpickler) and matches its keys to the weights of a model of `config`. Tensors stay on disk until
 * `delta` reads a module's parts. Throws a coded AdapterError naming the file when it cannot be read,
 * holds no adapter, is for SDXL, or does not fit the model.
 */
export function openLora(path: string, config: SD15Config): LoraFile {
  let source: TensorSource;
  try {
    source = openCheckpoint(path);
  } catch (error) {
    throw loraUnreadable(path, error);
  }
  try {
    const { modules, unmatched } = matchModules(path, source, loraTargets(config));
    return {
      path,
      modules,
      unmatched,
      change: (module) => moduleChange(path, source, module),
      close: () => source.close(),
    };
  } catch (error) {
    source.close();
    throw error;
  }
}

function matchModules(path: string, source: TensorSource, targets: Map<string, LoraTarget>): { modules: LoraModule[]; unmatched: string[] } {
  const sdxl = source.tensors.find((t) => SDXL_MARKERS.some((marker) => marker.test(t.name)));
  if (sdxl) throw loraWrongArchitecture(path, sdxl.name);
  const grouped = new Map<string, { name: string; network: LoraNetwork; tensors: LoraModule['tensors']; keys: string[] }>();
  const unmatched: string[] = [];
  for (const { name } of source.tensors) {
    const parsed = parseKey(name);
    if (!parsed) {
      unmatched.push(name);
      continue;
    }
    const id = targetName(parsed.network, parsed.module);
    const group = grouped.get(id) ?? { name: parsed.module, network: parsed.network, tensors: {}, keys: [] };
    group.tensors[parsed.role] = name;
    group.keys.push(name);
    grouped.set(id, group);
  }
  if (grouped.size === 0) throw loraInvalid(path, `none of its ${source.tensors.length} tensors is a LoRA, LoHa or LoKr weight`);
  const modules: LoraModule[] = [];
  for (const [id, group] of grouped) {
    const target = targets.get(id);
    if (!target) {
      unmatched.push(...group.keys);
      continue;
    }
    if (group.tensors.dora_scale) throw loraUnsupported(path, `DoRA (${group.tensors.dora_scale})`);
    if (group.tensors.hada_t1 || group.tensors.lokr_t2) throw loraUnsupported(path, `a LyCORIS Tucker core (${group.keys[0]})`);
    const parts = Object.fromEntries(Object.keys(group.tensors).map((role) => [role, { shape: [1], values: new Float32Array(1) }]));
    const kind = adapterKind(parts);
    if (typeof kind !== 'string') throw loraInvalid(path, `module "${group.name}" lacks ${kind.missing}`);
    modules.push({ name: group.name, target, kind, tensors: group.tensors });
  }
  return { modules, unmatched };
}

function moduleChange(path: string, source: TensorSource, module: LoraModule): AdapterChange {
  const parts: AdapterParts = {};
  for (const [role, name] of Object.entries(module.tensors) as [AdapterRole | 'alpha', string][]) {
    const values = readTensor(path, source, name);
    if (role === 'alpha') parts.alpha = values[0];
    else parts[role] = { shape: [...(source.info(name)?.shape ?? [values.length])], values };
  }
  let change: AdapterChange;
  try {
    change = adapterChange(module.kind, parts, module.target.shape);
  } catch (error) {
    throw loraShapeMismatch(path, module.name, `${(error as Error).message}; the model's weight is [${module.target.shape.join(', ')}]`);
  }
  const expected = module.target.shape.reduce((n, d) => n * d, 1);
  const changed = change.kind === 'full' ? change.delta.length : change.rows * change.cols;
  if (changed !== expected) {
    throw loraShapeMismatch(path, module.name, `it changes ${changed} values, the model's weight [${module.target.shape.join(', ')}] has ${expected}`);
  }
  return change;
}

function readTensor(path: string, source: TensorSource, name: string): Float32Array {
  try {
    return source.readSync(name);
  } catch (error) {
    throw loraUnreadable(path, error);
  }
}
