import { corrupt, unsupported } from './errors.ts';
import { RandomAccessFile } from './random-access-file.ts';
import { ZipArchive } from './zip-archive.ts';
import { readStateDict } from './torch-pickle.ts';
import { TorchTensorSource } from './torch-tensor-source.ts';
import type { TensorSource } from './types.ts';

/** A state dict's pickle is kilobytes to a few megabytes; a bigger one is not a checkpoint to trust. */
export const MAX_PICKLE_BYTES = 256 * 1024 * 1024;

/** Opens a PyTorch `.ckpt`/`.pt` zip checkpoint. Only the pickle and the zip directory are read now. */
export function openCkpt(path: string, file = RandomAccessFile.open(path)): TensorSource {
  try {
    const archive = ZipArchive.open(file);
    const pickleName = [...archive.entries.keys()].find((name) => name.endsWith('/data.pkl') || name === 'data.pkl');
    if (pickleName === undefined) throw corrupt(path, 'the zip has no data.pkl (not a PyTorch checkpoint)');
    const prefix = pickleName.slice(0, -'data.pkl'.length);
    if (archive.entries.has(`${prefix}byteorder`) && new TextDecoder().decode(archive.readEntry(`${prefix}byteorder`)) !== 'little') {
      throw unsupported(path, 'big-endian tensor data');
    }
    const pickleSize = archive.entries.get(pickleName)!.size;
    if (pickleSize > MAX_PICKLE_BYTES) throw unsupported(path, `a ${pickleSize}-byte data.pkl (at most ${MAX_PICKLE_BYTES})`);
    const refs = readStateDict(archive.readEntry(pickleName), path);
    return new TorchTensorSource(path, file, refs, ({ key }) => {
      const entry = archive.entries.get(`${prefix}data/${key}`);
      if (!entry) throw corrupt(path, `storage ${prefix}data/${key} is missing from the zip`);
      return { offset: archive.dataOffset(entry), size: entry.size };
    });
  } catch (error) {
    file.close();
    throw error;
  }
}
