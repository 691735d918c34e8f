import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { SD15Config } from './sd15/index.ts';
import { modelIncomplete, modelNameInvalid, modelNotFound } from './checkpoint/errors.ts';
import { defaultUnetWeightsFor, existingConversion, upToDateConversion, weightOptionsOf, type ConvertProgress } from './convert/index.ts';
import { convertInWorker } from './convert/in-worker.ts';
import { isDiffusersFolder } from './convert/diffusers-folder.ts';
import { ensureTinyModels, TINY_MODEL_NAME } from './tiny.ts';
import { BUNDLED_TOKENIZER_DIR, hasTokenizerFiles } from './tokenizer/tokenizer-files.ts';

/** The ONNX files of one SD 1.5 model, ready to open. */
export interface ModelFiles {
  name: string;
  dir: string;
  textEncoder: string;
  unet: string;
  /** Absent in exports without an encoder (then img2img is not possible). */
  vaeEncoder?: string;
  vaeDecoder: string;
  /** Holds `vocab.json` and `merges.txt`. */
  tokenizerDir: string;
  /** Sizes, known for models this converter wrote. */
  config?: SD15Config;
}

export interface AvailableModel {
  name: string;
  kind: 'folder' | 'checkpoint';
  /** The folder under data/models/, or the checkpoint file (or diffusers PyTorch folder) in data/. */
  path: string;
}

export interface ResolveOptions {
  /** Conversion progress on first use of a checkpoint, in bytes written. */
  onProgress?: (done: number, total: number, detail: ConvertProgress) => void;
  /** Stops a conversion in progress (it then leaves nothing behind). */
  signal?: AbortSignal;
  /** The backend the model will run on, which picks the UNet weights of a first conversion (default cpu). */
  backend?: string;
}

/** Bundled fallbacks, in order of preference: the trained tiny model, then the random one. */
const FALLBACKS = ['shapes-tiny', TINY_MODEL_NAME];
export const CHECKPOINT_EXTENSIONS = ['.safetensors', '.ckpt', '.pt'];

const modelsDir = (dataDir: string) => join(dataDir, 'models');
const isModelFolder = (dir: string) => existsSync(join(dir, 'unet', 'model.onnx'));

/** Model folders under `data/models/` and checkpoints in `data/`, by name; a converted checkpoint is listed once. */
export function listModels(dataDir: string): AvailableModel[] {
  const found = new Map<string, AvailableModel>();
  for (const name of entries(modelsDir(dataDir))) {
    const path = join(modelsDir(dataDir), name);
    if (!name.startsWith('.') && isModelFolder(path)) found.set(name, { name, kind: 'folder', path });
  }
  for (const file of entries(dataDir)) {
    const extension = extname(file);
    const name = file.slice(0, -extension.length);
    if (file.startsWith('.') || !CHECKPOINT_EXTENSIONS.includes(extension) || found.has(name)) continue;
    const path = join(dataDir, file);
    if (statSync(path).isFile()) found.set(name, { name, kind: 'checkpoint', path });
  }
  for (const name of entries(dataDir)) {
    const path = join(dataDir, name);
    if (!name.startsWith('.') && !found.has(name) && isDiffusersFolder(path)) found.set(name, { name, kind: 'checkpoint', path });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Finds the model called `name`: a folder under `data/models/`, a checkpoint `data/<name>.ckpt`,
 * `.pt` or `.safetensors`, or a diffusers PyTorch folder `data/<name>/` (converted into `data/models/<name>` on first use), `tiny` (generated when
 * missing), or `auto`: the first real model, else `shapes-tiny`, else `tiny`. Conversions run on a
 * worker thread, so the caller's event loop keeps serving (e.g. progress over a WebSocket).
 */
export async function resolveModel(dataDir: string, name: string, options: ResolveOptions = {}): Promise<ModelFiles> {
  if (!isPlainName(name)) throw modelNameInvalid(name);
  const root = resolve(dataDir);
  const chosen = name === 'auto' ? autoModel(root) : name;
  if (chosen === TINY_MODEL_NAME) return filesOf(root, chosen, await ensureTinyModels(root));

  const folder = join(modelsDir(root), chosen);
  const checkpoint = [...CHECKPOINT_EXTENSIONS.map((ext) => join(root, chosen + ext)), join(root, chosen)].find(
    (path) => (existsSync(path) && statSync(path).isFile()) || isDiffusersFolder(path),
  );
  // A folder that is not our conversion (e.g. an Optimum export) is used as it is, never overwritten.
  const previous = existingConversion(folder);
  const convertible = checkpoint !== undefined && (!existsSync(folder) || previous !== undefined);
  // A folder keeps the weight types it was converted with (e.g. by `latentflow convert --unet int8`).
  const weightOptions = previous ? weightOptionsOf(previous) : { unetWeights: defaultUnetWeightsFor(options.backend ?? 'cpu') };
  // Checked here first: a worker thread takes most of a second to start only to find nothing to do.
  if (convertible && !upToDateConversion(checkpoint, folder, weightOptions)) {
    await convertInWorker(checkpoint, folder, {
      ...weightOptions,
      signal: options.signal,
      tokenizerDir: hasTokenizerFiles(root) ? root : undefined,
      onProgress: (progress) => progress.phase === 'calibrating'
        ? options.onProgress?.(progress.callsDone, progress.callsTotal, progress)
        : options.onProgress?.(progress.bytesDone, progress.bytesTotal, progress),
    });
  }
  if (existsSync(folder)) return filesOf(root, chosen, folder);
  throw modelNotFound(name, ['auto', ...new Set([...listModels(root).map((m) => m.name), TINY_MODEL_NAME])]);
}

/** The model `auto` means here (as resolveModel picks it); other names as they are. */
export function chosenModel(dataDir: string, name: string): string {
  return name === 'auto' ? autoModel(resolve(dataDir)) : name;
}

/**
 * The files of a model installed as a folder under `data/models/`, without converting or generating anything;
 * undefined when there is no such folder yet (an incomplete one is model_incomplete).
 */
export function installedModel(dataDir: string, name: string): ModelFiles | undefined {
  if (!isPlainName(name)) return undefined;
  const root = resolve(dataDir);
  const folder = join(modelsDir(root), name);
  return isModelFolder(folder) ? filesOf(root, name, folder) : undefined;
}

function autoModel(dataDir: string): string {
  const models = listModels(dataDir);
  const real = models.find((model) => !FALLBACKS.includes(model.name));
  if (real) return real.name;
  return models.some((model) => model.name === FALLBACKS[0]) ? FALLBACKS[0] : TINY_MODEL_NAME;
}

function filesOf(dataDir: string, name: string, dir: string): ModelFiles {
  const file = (network: string) => join(dir, network, 'model.onnx');
  const missing = ['text_encoder', 'unet', 'vae_decoder'].filter((network) => !existsSync(file(network))).map((n) => `${n}/model.onnx`);
  const tokenizerDir = [join(dir, 'tokenizer'), dataDir, BUNDLED_TOKENIZER_DIR].find(hasTokenizerFiles);
  if (!tokenizerDir) missing.push('tokenizer/ (vocab.json, merges.txt)');
  if (missing.length > 0 || tokenizerDir === undefined) throw modelIncomplete(dir, missing);
  const index = existingConversion(dir);
  const files: ModelFiles = {
    name,
    dir,
    textEncoder: file('text_encoder'),
    unet: file('unet'),
    vaeDecoder: file('vae_decoder'),
    tokenizerDir,
  };
  if (existsSync(file('vae_encoder'))) files.vaeEncoder = file('vae_encoder');
  if (index) files.config = index.config;
  return files;
}

/** A name is one path segment: no separators, no `..`, nothing hidden or absolute. */
function isPlainName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !/[/\\\0:]/.test(name);
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
