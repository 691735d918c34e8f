import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { ModelFileError, modelNameInvalid } from './checkpoint/errors.ts';
import { existingVaeConversion, upToDateVaeConversion } from './convert-vae.ts';
import { convertVaeInWorker } from './convert/in-worker.ts';
import { CHECKPOINT_EXTENSIONS, type ResolveOptions } from './model-folder.ts';

/** The two networks of a separate VAE, ready to open. */
export interface VaeFiles {
  name: string;
  encoder: string;
  decoder: string;
}

export const vaeDir = (dataDir: string) => join(resolve(dataDir), 'vae');
/** Where each VAE file is converted (hidden, beside the files people put there). */
const convertedDir = (dataDir: string, stem: string) => join(vaeDir(dataDir), '.converted', stem);

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** The VAE files in `data/vae/`, by file name. */
export function listVaes(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(vaeDir(dataDir));
  } catch {
    return [];
  }
  return names.filter((name) => !name.startsWith('.') && CHECKPOINT_EXTENSIONS.includes(extname(name)) && isFile(join(vaeDir(dataDir), name))).sort();
}

/** The file `name` means: `vae-ft-mse.safetensors` as listed, or its stem `vae-ft-mse`. */
export function vaeFileOf(dataDir: string, name: string): string | undefined {
  if (name.length === 0 || name.startsWith('.') || /[/\\\0:]/.test(name)) throw modelNameInvalid(name);
  const dir = vaeDir(dataDir);
  const candidates = CHECKPOINT_EXTENSIONS.includes(extname(name)) ? [name] : CHECKPOINT_EXTENSIONS.map((ext) => name + ext);
  return candidates.map((file) => join(dir, file)).find(isFile);
}

export const vaeNotFound = (name: string, available: string[]) =>
  new ModelFileError('model_not_found', `No VAE named "${name}" in data/vae/. Available: ${available.length > 0 ? available.join(', ') : '(none)'}`);

/**
 * Finds the VAE file `name` in `data/vae/` and converts it (on a worker thread, cancellable) into
 * its two ONNX networks on first use; later uses reuse the conversion while the file is unchanged.
 */
export async function resolveVae(dataDir: string, name: string, options: Pick<ResolveOptions, 'signal' | 'onProgress'> = {}): Promise<VaeFiles> {
  const file = vaeFileOf(dataDir, name);
  if (!file) throw vaeNotFound(name, listVaes(dataDir));
  const stem = file.slice(vaeDir(dataDir).length + 1, -extname(file).length);
  const dir = convertedDir(dataDir, stem);
  if (!upToDateVaeConversion(file, dir)) {
    await convertVaeInWorker(file, dir, {
      signal: options.signal,
      onProgress: (progress) => progress.phase === 'writing' && options.onProgress?.(progress.tensorsDone, progress.tensorsTotal, progress),
    });
  }
  const index = existingVaeConversion(dir);
  if (!index) throw new ModelFileError('model_incomplete', `The conversion of ${file} in ${dir} is incomplete`, { path: dir });
  return { name: stem, encoder: join(dir, index.files.vaeEncoder), decoder: join(dir, index.files.vaeDecoder) };
}
