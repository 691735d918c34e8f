import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { existingConversion } from '../convert/index.ts';
import { modelNotPatchable } from './errors.ts';
import { LowRankUpdate } from './low-rank-update.ts';
import { networkFolderOf, writePatchedNetwork, type WeightChange } from './patch-network.ts';
import { openLora, type LoraFile, type LoraModule } from './read-lora.ts';
import type { LoraNetwork } from './targets.ts';

/** One LoRA applied to a network: the file, its content hash and the strength. */
export interface AppliedLora {
  file: string;
  sha256: string;
  strength: number;
}

/** Extra rows of the text encoder's token-embedding table (textual inversion), in order. */
export interface ExtraTokens {
  /** Identifies the rows (the embeddings' names and content hashes). */
  id: string;
  /** [rows, width] row-major. */
  rows: Float32Array;
}

/** Patched copies kept; older ones are deleted (an open session keeps its files until it closes). */
const KEPT_COPIES = 4;
const CACHE_FORMAT = 1;

export interface PatchRequest {
  /** The base network's model.onnx in a converted folder. */
  model: string;
  network: LoraNetwork;
  loras: readonly AppliedLora[];
  cacheDir: string;
  extra?: ExtraTokens;
}

/**
 * The model.onnx to open for a network of a converted folder with LoRAs (and, for the text
 * encoder, extra token rows) applied, when no work is needed: `model` itself when there is nothing
 * to apply, or the copy in `cacheDir` named by the hash of the base network's files, the LoRA
 * contents and strengths and the extra rows, when it was made before. Undefined: call patchNetwork.
 */
export function existingPatchedNetwork(request: PatchRequest): string | undefined {
  const active = request.loras.filter((lora) => lora.strength !== 0);
  if (active.length === 0 && request.extra === undefined) return request.model;
  const result = join(request.cacheDir, cacheKey(request.model, request.network, active, request.extra), request.network, 'model.onnx');
  if (!existsSync(result)) return undefined;
  const now = new Date();
  utimesSync(dirname(dirname(result)), now, now);
  return result;
}

/** Makes the copy existingPatchedNetwork looks for (atomically; a copy made meanwhile by another caller is kept) and returns its model.onnx. */
export async function patchNetwork(request: PatchRequest): Promise<string> {
  const found = existingPatchedNetwork(request);
  if (found) return found;
  const { model, network, cacheDir, extra } = request;
  const active = request.loras.filter((lora) => lora.strength !== 0);
  const index = existingConversion(networkFolderOf(model));
  if (!index) throw modelNotPatchable(model, 'it is not a folder converted by latentflow (LoRAs and embeddings are applied to the converted weights)');
  const id = cacheKey(model, network, active, extra);
  const dir = join(cacheDir, id);
  const result = join(dir, network, 'model.onnx');
  mkdirSync(cacheDir, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const files = active.map((lora) => openLora(lora.file, index.config));
  const update = await LowRankUpdate.create();
  try {
    const { keys, change } = combinedChange(files, active, network, update);
    const source = { model, network, config: index.config, weights: index.weights, unetWeights: index.unetWeights, extraRows: extra?.rows };
    await writePatchedNetwork(source, keys, change, join(staging, network));
    writeFileSync(join(staging, 'patch.json'), `${JSON.stringify({ base: model, network, loras: active, extraTokens: extra?.id }, null, 2)}\n`);
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(result)) return result;
    throw error;
  } finally {
    for (const file of files) file.close();
    await update.release();
  }
  pruneCopies(cacheDir, id);
  return result;
}

/** The weights the LoRAs change in `network`, and W + strength * delta for each (low-rank products through ORT). */
function combinedChange(files: LoraFile[], loras: readonly AppliedLora[], network: LoraNetwork, update: LowRankUpdate): { keys: Set<string>; change: WeightChange } {
  const byKey = new Map<string, { file: LoraFile; module: LoraModule; strength: number }[]>();
  files.forEach((file, i) => {
    for (const module of file.modules) {
      if (module.target.network !== network) continue;
      const list = byKey.get(module.target.key) ?? [];
      list.push({ file, module, strength: loras[i].strength });
      byKey.set(module.target.key, list);
    }
  });
  const change: WeightChange = async (key, base) => {
    let weight = base;
    for (const { file, module, strength } of byKey.get(key) ?? []) {
      const adapter = file.change(module);
      if (adapter.kind === 'product') {
        weight = await update.apply(weight, adapter, strength);
        continue;
      }
      for (let i = 0; i < weight.length; i++) weight[i] += strength * adapter.delta[i];
    }
    return weight;
  };
  return { keys: new Set(byKey.keys()), change };
}

function cacheKey(model: string, network: LoraNetwork, loras: readonly AppliedLora[], extra?: ExtraTokens): string {
  const folder = join(networkFolderOf(model), network);
  const stamps = readdirSync(folder).sort().map((name) => {
    const stats = statSync(join(folder, name), { bigint: true });
    return `${name}:${stats.size}@${stats.mtimeNs}`;
  });
  const identity = { format: CACHE_FORMAT, model, network, stamps, loras: loras.map((l) => [l.sha256, l.strength]), extra: extra?.id };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

function pruneCopies(cacheDir: string, keep: string): void {
  const copies = readdirSync(cacheDir)
    .filter((name) => /^[0-9a-f]{32}$/.test(name) && name !== keep)
    .map((name) => ({ name, mtime: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of copies.slice(KEPT_COPIES - 1)) rmSync(join(cacheDir, old.name), { recursive: true, force: true });
}
