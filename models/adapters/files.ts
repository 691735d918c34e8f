import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export const LORA_DIR = 'loras';
export const EMBEDDING_DIR = 'embeddings';
export const ADAPTER_EXTENSIONS = ['.safetensors', '.ckpt', '.pt', '.bin'];

export interface AdapterFile {
  /** The file name without its extension: what prompts and nodes call it. */
  name: string;
  file: string;
  path: string;
}

/** The LoRA or embedding files of `<dataDir>/<folder>`, by name. */
export function listAdapterFiles(dataDir: string, folder: typeof LORA_DIR | typeof EMBEDDING_DIR): AdapterFile[] {
  const dir = join(dataDir, folder);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((file) => !file.startsWith('.') && ADAPTER_EXTENSIONS.includes(extname(file).toLowerCase()) && statSync(join(dir, file)).isFile())
    .map((file) => ({ name: file.slice(0, -extname(file).length), file, path: join(dir, file) }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** A file by its name with or without extension. */
export function findAdapterFile(files: AdapterFile[], name: string): AdapterFile | undefined {
  return files.find((f) => f.file === name) ?? files.find((f) => f.name === name);
}

/** sha256 of a file's content, read in pieces. */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 22);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
