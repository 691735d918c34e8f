import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { UnetWeights } from '../convert/write-networks.ts';
import { readOnnxInitializers, type StoredInitializer } from '../model-folder/onnx-initializers.ts';
import { encodeModel, initializerByteLength, withFloat16Weights, type Initializer } from '../onnx/index.ts';
import type { TensorPlacement } from '../onnx/encode.ts';
import { FileSink } from '../onnx/protobuf.ts';
import { RandomAccessFile } from '../checkpoint/random-access-file.ts';
import { appliedMergeRatio, buildUnet, DEEP_CACHE_BRANCH, unetTensors, type TokenMergeOptions, type UnetConfig } from '../sd15/index.ts';
import { unetVariantUnavailable } from './errors.ts';
import { storedUnetForms } from './unet-forms.ts';

/**
 * UNet variants: the same weights in a graph with more inputs, for what a plain converted UNet cannot do.
 *
 * - `controlResiduals`: the 13 ControlNet inputs (see buildUnet), added to the skips and the middle output;
 * - `freeU`: the FreeU factors as required inputs (models/sd15/freeu.ts);
 * - `deepCache`: DeepCache's refresh flag and cached feature in, the deep feature out (models/sd15/deep-cache.ts).
 * - `tokenMerge`: ToMe token merging in the transformer blocks (models/sd15/token-merge.ts), no new inputs.
 *
 * Why a derived copy and not inputs in the converted UNet itself: onnxruntime ignores a fed input that also has an
 * initializer (a default), so optional inputs cannot be had, and required ones would make every plain run feed 13
 * zero tensors of activation size (and lose the graph optimisations the plain UNet gets); converted folders, the
 * committed shapes-tiny among them, also stay as they are. A variant is cheap: its model.onnx is the graph only,
 * and every weight initializer points at the bytes the base UNet already stores, whose external data file is
 * hard-linked (copied where links fail) into the variant's folder. Variants are kept in `cacheDir` named by the base
 * network's files and the variant, like LoRA-patched copies, and work on those copies too (the base is then the
 * patched model.onnx).
 */
export interface UnetVariant {
  controlResiduals: boolean;
  freeU: boolean;
  /** Not with controlResiduals. */
  deepCache?: boolean;
  /** Absent or with ratio 0: off. */
  tokenMerge?: TokenMergeOptions;
}

export interface UnetVariantRequest {
  /** The UNet's model.onnx: in a folder converted by latentflow, or a LoRA-patched copy of one. */
  model: string;
  /** From the converted folder's model_index.json. */
  config: UnetConfig;
  weights: 'float32' | 'float16';
  unetWeights: UnetWeights;
  variant: UnetVariant;
  cacheDir: string;
}

const KEPT_VARIANTS = 4;
const VARIANT_FORMAT = 1;

/** The model.onnx of the variant (`model` itself when it asks for nothing), made on first use. */
export function unetVariant(request: UnetVariantRequest): string {
  const { controlResiduals, freeU, deepCache, tokenMerge } = request.variant;
  if (!controlResiduals && !freeU && !deepCache && !tokenMerge?.ratio) return request.model;
  const id = variantKey(request);
  const dir = join(request.cacheDir, id);
  const result = join(dir, 'unet', basename(request.model));
  if (existsSync(result)) {
    const now = new Date();
    utimesSync(dir, now, now);
    return result;
  }
  mkdirSync(request.cacheDir, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeUnetVariant(request, join(staging, 'unet'));
    writeFileSync(join(staging, 'variant.json'), `${JSON.stringify({ base: request.model, ...request.variant }, null, 2)}\n`);
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(result)) return result;
    throw error;
  }
  pruneVariants(request.cacheDir, id);
  return result;
}

/**
 * Writes the variant's model.onnx into `targetDir`: the graph built anew with the variant's inputs, each
 * checkpoint-derived initializer taken from the base (external bytes by reference into the linked data file,
 * inline ones copied), the variant's own small constants written inline.
 */
function writeUnetVariant(request: UnetVariantRequest, targetDir: string): void {
  const { model, config } = request;
  const stored = readOnnxInitializers(model);
  const keys = new Set(unetTensors(config).keys());
  const noWeights = (key: string): never => {
    throw unetVariantUnavailable(model, `it has no stored weight ${key}; convert the model again`);
  };
  const built = buildUnet(config, noWeights, {
    quantization: request.unetWeights === 'float' ? 'none' : request.unetWeights,
    forms: storedUnetForms(model),
    controlResiduals: request.variant.controlResiduals,
    freeU: request.variant.freeU,
    deepCache: request.variant.deepCache ? { branch: DEEP_CACHE_BRANCH } : undefined,
    tokenMerge: request.variant.tokenMerge,
  });
  const graph = request.weights === 'float16' ? withFloat16Weights(built) : built;
  mkdirSync(targetDir, { recursive: true });
  const linked = new Set<string>();
  const placements = new Map<Initializer, TensorPlacement>();
  const initializers = graph.graph.initializers.map((init): Initializer => {
    if (!keys.has(init.name.split(/[:[]/)[0])) return init;
    const place = stored.get(init.name) ?? noWeights(init.name);
    if (place.dataType !== init.dataType || place.length !== initializerByteLength(init)) {
      throw unetVariantUnavailable(model, `its initializer ${init.name} is not the one this version of latentflow writes; convert the model again`);
    }
    const copy: Initializer = { ...init, data: () => storedBytes(place) };
    if (place.file !== model) {
      if (!linked.has(place.file)) linkOrCopy(place.file, join(targetDir, basename(place.file)));
      linked.add(place.file);
      placements.set(copy, { kind: 'external', location: basename(place.file), offset: place.offset, length: place.length });
    }
    return copy;
  });
  const proto = encodeModel({ ...graph, graph: { ...graph.graph, initializers } }, (init) => placements.get(init) ?? { kind: 'inline' });
  const path = join(targetDir, basename(model));
  const fd = openSync(path, 'w');
  try {
    const sink = new FileSink(fd);
    proto.writeTo(sink);
    sink.flush();
  } finally {
    closeSync(fd);
  }
}

function storedBytes(place: StoredInitializer): Uint8Array {
  const file = RandomAccessFile.open(place.file);
  try {
    return file.read(place.offset, place.length);
  } finally {
    file.close();
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

function variantKey(request: UnetVariantRequest): string {
  const folder = dirname(request.model);
  const stamps = readdirSync(folder).sort().map((name) => {
    const stats = statSync(join(folder, name), { bigint: true });
    return `${name}:${stats.size}@${stats.mtimeNs}`;
  });
  const { controlResiduals, freeU, deepCache } = request.variant;
  // Absent when off, so the keys of the variants without it stay as they were.
  const merge = request.variant.tokenMerge;
  const tokenMerge = merge?.ratio ? { ...merge, ratio: appliedMergeRatio(merge.ratio) } : undefined;
  const identity = { format: VARIANT_FORMAT, model: request.model, stamps, controlResiduals, freeU, ...(deepCache ? { deepCache: DEEP_CACHE_BRANCH } : {}), tokenMerge, weights: request.weights, unetWeights: request.unetWeights };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

function pruneVariants(cacheDir: string, keep: string): void {
  const variants = readdirSync(cacheDir)
    .filter((name) => /^[0-9a-f]{32}$/.test(name) && name !== keep)
    .map((name) => ({ name, mtime: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of variants.slice(KEPT_VARIANTS - 1)) rmSync(join(cacheDir, old.name), { recursive: true, force: true });
}
