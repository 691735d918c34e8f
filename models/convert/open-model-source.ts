import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TensorSource } from '../checkpoint/types.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { RandomAccessFile } from '../checkpoint/random-access-file.ts';
import { withLdmNames } from './canonical-names.ts';
import { diffusersWeightFiles, openDiffusersFolder } from './diffusers-folder.ts';
import { fingerprintOf } from './fingerprint.ts';

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** A checkpoint file (any format, any naming) or a diffusers PyTorch folder, under LDM names. */
export function openModelSource(path: string): TensorSource {
  return withLdmNames(isDirectory(path) ? openDiffusersFolder(path) : openCheckpoint(path));
}

/** What identifies the source without reading all of it: one file's fingerprint, or each weight file's of a folder. */
export function fingerprintSource(path: string): Record<string, unknown> {
  if (!isDirectory(path)) return fingerprintFile(path, basename(path));
  const files = Object.entries(diffusersWeightFiles(path)).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { folder: basename(path), files: Object.fromEntries(files.map(([component, file]) => [component, fingerprintFile(file, basename(file))])) };
}

/** One file's fingerprint (see fingerprintOf), under `name`. */
export function fingerprintFile(path: string, name = basename(path)): Record<string, unknown> {
  const file = RandomAccessFile.open(path);
  try {
    return { ...fingerprintOf(file, name) };
  } finally {
    file.close();
  }
}
