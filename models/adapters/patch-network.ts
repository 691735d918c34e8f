import { closeSync, copyFileSync, linkSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SD15Config } from '../sd15/config.ts';
import type { UnetWeights } from '../convert/write-networks.ts';
import { buildTextEncoder, buildUnet } from '../sd15/index.ts';
import { StoredWeights } from '../sd15/stored-weights.ts';
import { textEncoderTensors, TEXT_PREFIX, unetTensors } from '../sd15/tensors.ts';
import { readOnnxInitializers, type StoredInitializer } from '../model-folder/onnx-initializers.ts';
import {
  initializerByteLength, tensorBytes, withFloat16Weights, writeOnnxModelFile, type Initializer, type OnnxModel, type TensorPlacement,
} from '../onnx/index.ts';
import { modelNotPatchable } from './errors.ts';
import type { LoraNetwork } from './targets.ts';
import { storedUnetForms } from './unet-forms.ts';

export interface PatchSource {
  /** The network's model.onnx in a folder converted by latentflow. */
  model: string;
  network: LoraNetwork;
  config: SD15Config;
  /** How the conversion stored the weights (model_index.json). */
  weights: 'float32' | 'float16';
  unetWeights: UnetWeights;
  /** Rows appended to the text encoder's token-embedding table, [rows, width] (textual inversion). */
  extraRows?: Float32Array;
}

/** The weight (checkpoint name) with every adapter's change for it added: `base` or a new array. */
export type WeightChange = (key: string, base: Float32Array) => Promise<Float32Array>;

const TOKEN_TABLE = `${TEXT_PREFIX}embeddings.token_embedding.weight`;
/** Where the copy's own tensors go, and the name its folder gives the base network's data file. */
const DATA_FILE = 'model.onnx.data';
const baseDataName = (file: string) => `base-${basename(file)}`;
const DATA_ALIGNMENT = 4096;

/**
 * Writes a copy of a converted network into `targetDir` with some weights changed. The initializers
 * made from each changed weight are computed as the converter computes them (transposed, sliced,
 * int8-quantised, float16; static int8 at the base's activation scales) and written to the copy's own
 * data file; every other initializer is referenced where the base network keeps it (ONNX external data:
 * location, offset, length), in the base's data file hard-linked into the copy's folder. So unchanged
 * weights stay byte for byte the same and cost neither time nor disk, and one weight (plus its change;
 * a static int8 conv's weight and bias together) is in memory at a time. With `extraRows` the token
 * table grows (the model is built for the larger vocabulary). Returns the path of the copy's model.onnx.
 */
export async function writePatchedNetwork(source: PatchSource, changedKeys: ReadonlySet<string>, change: WeightChange, targetDir: string): Promise<string> {
  const stored = readOnnxInitializers(source.model);
  const weights = new StoredWeights(stored.values());
  const shapes = source.network === 'unet' ? unetTensors(source.config.unet) : textEncoderTensors(source.config.text);
  const missing = [...changedKeys].filter((key) => !weights.has(key));
  if (missing.length > 0) throw modelNotPatchable(source.model, `it has no stored weight ${missing[0]}`);
  let current: Map<string, Float32Array> | undefined;
  const model = buildNetwork(source, weights, (key) => {
    const values = current?.get(key);
    if (!values) throw new Error(`weight ${key} was asked for while ${[...(current?.keys() ?? ['none'])].join(', ')} was being written`);
    return values;
  });
  const resized = source.extraRows ? TOKEN_TABLE : undefined;
  const rewritten = (key: string) => changedKeys.has(key) || key === resized;
  // The initializers to write again, grouped by the first weight each is made from, with every weight the group reads.
  const changed = new Map<string, { keys: Set<string>; inits: Initializer[] }>();
  for (const init of model.graph.initializers) {
    const place = stored.get(init.name);
    const keys = baseKeys(init.name);
    const sized = (resized !== undefined && keys.includes(resized)) || place?.length === initializerByteLength(init);
    if (!place || place.dataType !== init.dataType || !sized) {
      throw modelNotPatchable(source.model, `its initializer ${init.name} is not the one this version of latentflow writes; convert the model again`);
    }
    if (!keys.some(rewritten)) continue;
    const group = changed.get(keys[0]) ?? { keys: new Set<string>(), inits: [] };
    for (const key of keys) group.keys.add(key);
    group.inits.push(init);
    changed.set(keys[0], group);
  }

  mkdirSync(targetDir, { recursive: true });
  const placements = new Map<Initializer, TensorPlacement>();
  const inline = new Map<Initializer, Uint8Array>();
  const data = new Appender(join(targetDir, DATA_FILE));
  try {
    for (const { keys, inits } of changed.values()) {
      current = new Map();
      for (const key of keys) {
        const base = weights.read(key, shapes.get(key) as number[]);
        const values = changedKeys.has(key) ? await change(key, base) : base;
        current.set(key, key === resized ? appended(values, source.extraRows as Float32Array) : values);
      }
      for (const init of inits) {
        const bytes = tensorBytes(init);
        if (isInline(source.model, stored.get(init.name) as StoredInitializer)) inline.set(init, bytes.slice());
        else placements.set(init, { kind: 'external', location: DATA_FILE, ...data.append(bytes) });
      }
    }
  } finally {
    current = undefined;
    data.close();
  }
  const linked = new Set<string>();
  const initializers = model.graph.initializers.map((init): Initializer => {
    const place = stored.get(init.name) as StoredInitializer;
    const bytes = inline.get(init);
    if (bytes) return { ...init, data: () => bytes };
    if (placements.has(init)) return init;
    if (isInline(source.model, place)) return { ...init, data: () => readRange(place) };
    if (!linked.has(place.file)) linkOrCopy(place.file, join(targetDir, baseDataName(place.file)));
    linked.add(place.file);
    placements.set(init, { kind: 'external', location: baseDataName(place.file), offset: place.offset, length: place.length });
    return init;
  });
  const result = join(targetDir, basename(source.model));
  writeOnnxModelFile({ ...model, graph: { ...model.graph, initializers } }, result, (init) => placements.get(init) ?? { kind: 'inline' });
  return result;
}

function buildNetwork(source: PatchSource, stored: StoredWeights, weights: (key: string) => Float32Array): OnnxModel {
  const text = source.extraRows ? { ...source.config.text, vocab: source.config.text.vocab + source.extraRows.length / source.config.text.width } : source.config.text;
  const model = source.network === 'unet'
    ? buildUnet(source.config.unet, weights, {
      quantization: source.unetWeights === 'float' ? 'none' : source.unetWeights,
      forms: storedUnetForms(source.model),
      // The base's calibration, kept: recalibrating is the conversion's job, and a LoRA moves the activations' ranges little.
      activationScales: (key, side) => stored.activationQuantization(key, side),
    })
    : buildTextEncoder(text, weights);
  return source.weights === 'float16' ? withFloat16Weights(model) : model;
}

/**
 * The checkpoint weights an initializer is made from (see CheckpointWeights' and staticInt8Layers' names): a static
 * int8 conv's int32 bias is in units of its weight's scales, and its activation parameters come from calibration.
 */
function baseKeys(name: string): string[] {
  if (/:(input_scale|output_scale|(input_|output_)?zero_point)$/.test(name)) return [];
  const key = name.split(/[:[]/)[0];
  return name.endsWith('.bias:int32') ? [key.replace(/\.bias$/, '.weight'), key] : [key];
}

const isInline = (model: string, place: StoredInitializer) => place.file === model;

function appended(table: Float32Array, rows: Float32Array): Float32Array {
  const out = new Float32Array(table.length + rows.length);
  out.set(table);
  out.set(rows, table.length);
  return out;
}

/** The base's data file in the copy's folder: a hard link (no bytes copied), or a copy across file systems. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if (!['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EACCES'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    copyFileSync(from, to);
  }
}

function readRange(place: StoredInitializer): Uint8Array {
  const fd = openSync(place.file, 'r');
  try {
    const bytes = new Uint8Array(place.length);
    let done = 0;
    while (done < bytes.length) done += readSync(fd, bytes, done, bytes.length - done, place.offset + done);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Writes tensors one after another into a new external data file, each at a 4 KiB boundary. */
class Appender {
  private fd: number | undefined;
  private position = 0;

  constructor(private readonly path: string) {}

  append(bytes: Uint8Array): { offset: number; length: number } {
    this.fd ??= openSync(this.path, 'w');
    const offset = Math.ceil(this.position / DATA_ALIGNMENT) * DATA_ALIGNMENT;
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, offset + done);
    this.position = offset + bytes.length;
    return { offset, length: bytes.length };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export const networkFolderOf = (model: string) => dirname(dirname(model));
