import type { TensorSource } from './types.ts';
import { unknownFormat } from './errors.ts';
import { RandomAccessFile } from './random-access-file.ts';
import { looksLikeZip } from './zip-archive.ts';
import { openCkpt } from './ckpt-reader.ts';
import { openSafetensors, readSafetensorsHeaderLength } from './safetensors-reader.ts';

/** Opens a checkpoint by its content (zip magic, or a safetensors header), whatever its extension. */
export function openCheckpoint(path: string): TensorSource {
  const file = RandomAccessFile.open(path);
  if (looksLikeZip(file)) return openCkpt(path, file);
  const headerLength = readSafetensorsHeaderLength(file);
  if (headerLength > 0 && file.size > 8 && file.read(8, 1)[0] === 0x7b) return openSafetensors(path, file);
  file.close();
  throw unknownFormat(path);
}
