import { closeSync, copyFileSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SD15Config } from '../sd15/config.ts';
import type { UnetWeights } from '../convert/write-networks.ts';
import { buildTextEncoder, buildUnet } from '../sd15/index.ts';
import { StoredWeights } from '../sd15/stored-weights.ts';
import { textEncoderTensors, unetTensors } from '../sd15/tensors.ts';
import { readOnnxInitializers, type StoredInitializer } from '../model-folder/onnx-initializers.ts';
import { initializerByteLength, withFloat16Weights, type OnnxModel } from '../onnx/index.ts';
import { tensorBytes } from '../onnx/encode.ts';
import { modelNotPatchable } from './errors.ts';
import type { LoraNetwork } from './targets.ts';

export interface PatchSource {
  /** The network's model.onnx in a folder converted by latentflow. */
  model: string;
  network: LoraNetwork;
  config: SD15Config;
  /** How the conversion stored the weights (model_index.json). */
  weights: 'float32' | 'float16';
  unetWeights: UnetWeights;
}

/** Adds the changes of every adapter for one weight (checkpoint name) to `base`, in place. */
export type WeightChange = (key: string, base: Float32Array) => void;

/**
 * Writes a copy of a converted network into `targetDir` with some weights changed: the model and its
 * external data are copied as they are, then the initializers made from each changed weight are
 * computed as the converter computes them (transposed, sliced, int8-quantised, float16) and written
 * over their bytes. Nothing else is rewritten, so unchanged weights stay byte for byte the same and
 * one weight (plus its change) is in memory at a time. Returns the path of the copy's model.onnx.
 */
export function writePatchedNetwork(source: PatchSource, changedKeys: ReadonlySet<string>, change: WeightChange, targetDir: string): string {
  const stored = readOnnxInitializers(source.model);
  const weights = new StoredWeights(stored.values());
  const shapes = source.network === 'unet' ? unetTensors(source.config.unet) : textEncoderTensors(source.config.text);
  let last: { key: string; values: Float32Array } | undefined;
  const patched = (key: string): Float32Array => {
    if (last?.key !== key) {
      const values = weights.read(key, shapes.get(key) as number[]);
      change(key, values);
      last = { key, values };
    }
    return last.values;
  };
  const model = buildNetwork(source, patched);
  const changed = model.graph.initializers.filter((init) => changedKeys.has(baseKey(init.name)));
  const missing = [...changedKeys].filter((key) => !weights.has(key));
  if (missing.length > 0) throw modelNotPatchable(source.model, `it has no stored weight ${missing[0]}`);

  mkdirSync(targetDir, { recursive: true });
  const copies = new Map<string, string>();
  for (const file of new Set([source.model, ...[...stored.values()].map((init) => init.file)])) {
    const copy = join(targetDir, basename(file));
    copyFileSync(file, copy);
    copies.set(file, copy);
  }
  for (const init of changed) {
    const place = stored.get(init.name);
    if (!place || place.dataType !== init.dataType || place.length !== initializerByteLength(init)) {
      throw modelNotPatchable(source.model, `its initializer ${init.name} is not the one this version of latentflow writes; convert the model again`);
    }
    writeAt(copies.get(place.file) as string, place, tensorBytes(init));
  }
  return join(targetDir, basename(source.model));
}

function buildNetwork(source: PatchSource, weights: (key: string) => Float32Array): OnnxModel {
  const model = source.network === 'unet'
    ? buildUnet(source.config.unet, weights, { quantization: source.unetWeights === 'float' ? 'none' : source.unetWeights })
    : buildTextEncoder(source.config.text, weights);
  return source.weights === 'float16' ? withFloat16Weights(model) : model;
}

/** The checkpoint weight an initializer is made from (see CheckpointWeights' names). */
const baseKey = (name: string) => name.split(/[:[]/)[0];

function writeAt(path: string, place: StoredInitializer, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, place.offset + done);
  } finally {
    closeSync(fd);
  }
}

export const networkFolderOf = (model: string) => dirname(dirname(model));
