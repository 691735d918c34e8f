import type { TensorSource } from './types.ts';
import { corrupt, isModelFileError, unknownFormat } from './errors.ts';
import { RandomAccessFile } from './random-access-file.ts';
import { looksLikeZip } from './zip-archive.ts';
import { openCkpt } from './ckpt-reader.ts';
import { openSafetensors, readSafetensorsHeaderLength } from './safetensors-reader.ts';
import { openLegacyTorch } from './legacy-torch-reader.ts';

/** Files written by torch.save before the zip format start directly with a pickle. */
const PICKLE_PROTO = 0x80;

/** Opens a checkpoint by its content (zip magic, or a safetensors header), whatever its extension. */
export function openCheckpoint(path: string): TensorSource {
  const file = RandomAccessFile.open(path);
  try {
    return openByContent(path, file);
  } catch (error) {
    file.close();
    // Every failure is coded: a reader's own fault on a hostile file included.
    throw isModelFileError(error) ? error : corrupt(path, `it cannot be read (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

function openByContent(path: string, file: RandomAccessFile): TensorSource {
  if (looksLikeZip(file)) return openCkpt(path, file);
  const headerLength = readSafetensorsHeaderLength(file);
  if (headerLength > 0 && file.size > 8 && file.read(8, 1)[0] === 0x7b) return openSafetensors(path, file);
  if (file.size >= 2 && file.read(0, 1)[0] === PICKLE_PROTO) return openLegacyTorch(path, file);
  throw unknownFormat(path);
}
