import crypto from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { listModels } from '../../models/model-folder.ts';
import type { ModelAdvert } from './protocol.ts';

async function hashFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** sha256 over a model's files: each file's path and sha256 for a folder, the bytes for a checkpoint. */
export async function modelHash(modelPath: string): Promise<string> {
  if ((await fs.stat(modelPath)).isFile()) return hashFile(modelPath);
  const hash = crypto.createHash('sha256');
  for (const file of await filesUnder(modelPath)) hash.update(`${file}\0${await hashFile(path.join(modelPath, file))}\n`);
  return hash.digest('hex');
}

/** Every model of a data folder, with its content hash. */
export async function advertisedModels(dataDir: string): Promise<ModelAdvert[]> {
  const models = listModels(path.resolve(dataDir));
  return Promise.all(models.map(async (model) => ({ name: model.name, hash: await modelHash(model.path) })));
}

/** Workers with the same backends and models share one queue; its name comes from what they have. */
export function poolKey(backends: string[], models: ModelAdvert[]): string {
  const canonical = JSON.stringify({ backends: [...backends].sort(), models: models.map((m) => m.hash).sort() });
  return crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
