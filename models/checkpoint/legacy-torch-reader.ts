import { DTYPE_BYTES, type TensorSource } from './types.ts';
import { corrupt, truncated, unsupported } from './errors.ts';
import { PickleNeedsMoreBytes } from './pickle.ts';
import { MAX_PICKLE_BYTES } from './ckpt-reader.ts';
import type { RandomAccessFile } from './random-access-file.ts';
import { readTorchPickle, stateDictOf, type StorageRef } from './torch-pickle.ts';
import { TorchTensorSource, type StorageBytes } from './torch-tensor-source.ts';

/** What `torch.save` wrote first before PyTorch 1.6 (the zip format). */
export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
export const LEGACY_PROTOCOL_VERSION = 1001;

const FIRST_WINDOW = 1 << 20;

/**
 * Opens a legacy torch file: five pickles in a row (magic number, protocol version, system info,
 * the object, its storage keys), then each storage in key order as an int64 element count and the
 * raw little-endian elements.
 */
export function openLegacyTorch(path: string, file: RandomAccessFile): TensorSource {
  try {
    const storages = new Map<string, StorageRef>();
    let at = 0;
    const next = () => {
      const { value, end } = pickleAt(file, at, path, storages);
      at = end;
      return value;
    };
    if (next() !== LEGACY_MAGIC) throw corrupt(path, 'it starts with a pickle but not with the torch magic number');
    const protocol = next();
    if (protocol !== LEGACY_PROTOCOL_VERSION) throw unsupported(path, `legacy torch protocol version ${String(protocol)}`);
    const sysInfo = next();
    if (sysInfo instanceof Map && sysInfo.get('little_endian') === false) throw unsupported(path, 'big-endian tensor data');
    const refs = stateDictOf(next(), path);
    const keys = next();
    if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) throw corrupt(path, 'the list of storage keys is not a list of strings');
    const located = new Map<string, StorageBytes>();
    for (const key of keys as string[]) {
      const storage = storages.get(key);
      if (!storage) throw corrupt(path, `storage ${key} is listed but no tensor uses it`);
      if (at + 8 > file.size) throw truncated(path, `storage ${key} starts at byte ${at}, the file has ${file.size}`);
      const count = Number(new DataView(file.read(at, 8).buffer).getBigInt64(0, true));
      if (count !== storage.numel) throw corrupt(path, `storage ${key} records ${count} elements, the pickle says ${storage.numel}`);
      const size = count * DTYPE_BYTES[storage.dtype];
      located.set(key, { offset: at + 8, size });
      at += 8 + size;
    }
    return new TorchTensorSource(path, file, refs, ({ key }) => {
      const bytes = located.get(key);
      if (!bytes) throw corrupt(path, `storage ${key} is not among the file's stored storages`);
      return bytes;
    });
  } catch (error) {
    file.close();
    throw error;
  }
}

/** One pickle at `at`, read through a window that widens until the pickle ends (bounded by MAX_PICKLE_BYTES). */
function pickleAt(file: RandomAccessFile, at: number, path: string, storages: Map<string, StorageRef>): { value: unknown; end: number } {
  const rest = file.size - at;
  let window = Math.min(FIRST_WINDOW, rest);
  for (;;) {
    try {
      const { value, end } = readTorchPickle(file.read(at, window), path, storages);
      return { value, end: at + end };
    } catch (error) {
      if (!(error instanceof PickleNeedsMoreBytes)) throw error;
      if (window === rest) throw truncated(path, `${error.message} (the file ends at byte ${file.size})`);
      if (window >= MAX_PICKLE_BYTES) throw unsupported(path, `a pickle of more than ${MAX_PICKLE_BYTES} bytes`);
      window = Math.min(window * 4, rest, MAX_PICKLE_BYTES);
    }
  }
}
