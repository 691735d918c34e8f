import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RandomAccessFile } from '../checkpoint/random-access-file.ts';

const HEAD_BYTES = 1 << 20;
const TAIL_BYTES = 1 << 16;

/** What identifies a source checkpoint without reading all of it. */
export interface SourceFingerprint {
  file: string;
  size: number;
  mtimeMs: number;
  /** sha256 of the first MiB (the pickle or JSON header) and the last 64 KiB (the zip directory). */
  headerSha256: string;
}

export function fingerprintOf(file: RandomAccessFile, name: string): SourceFingerprint {
  const hash = createHash('sha256');
  hash.update(file.read(0, Math.min(HEAD_BYTES, file.size)));
  hash.update(file.read(Math.max(0, file.size - TAIL_BYTES), Math.min(TAIL_BYTES, file.size)));
  return { file: name, size: file.size, mtimeMs: file.mtimeMs, headerSha256: hash.digest('hex') };
}

export const MODEL_INDEX = 'model_index.json';

/** The parsed `model_index.json` of a folder, or undefined when it has none (or an unreadable one). */
export function readModelIndex(dir: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, MODEL_INDEX), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
