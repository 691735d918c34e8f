import type { TensorSource } from './types.ts';
import { unknownFormat, unsupported } from './errors.ts';
import { RandomAccessFile } from './random-access-file.ts';
import { looksLikeZip } from './zip-archive.ts';
import { openCkpt } from './ckpt-reader.ts';
import { openSafetensors, readSafetensorsHeaderLength } from './safetensors-reader.ts';

/** Files written by torch.save before the zip format start directly with a pickle. */
const PICKLE_PROTO = 0x80;

/** Opens a checkpoint by its content (zip magic, or a safetensors header), whatever its extension. */
export function openCheckpoint(path: string): TensorSource {
  const file = RandomAccessFile.open(path);
  if (looksLikeZip(file)) return openCkpt(path, file);
  const headerLength = readSafetensorsHeaderLength(file);
  if (headerLength > 0 && file.size > 8 && file.read(8, 1)[0] === 0x7b) return openSafetensors(path, file);
  const legacy = file.size >= 2 && file.read(0, 1)[0] === PICKLE_PROTO;
  file.close();
  if (legacy) throw unsupported(path, 'the legacy (before PyTorch 1.6) checkpoint format; load and save it again with a newer PyTorch');
  throw unknownFormat(path);
}
