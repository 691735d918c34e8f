import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeTensor, storedDType, type TensorSpec } from './tensor-spec.ts';
import { pickleStateDict, ProtocolTwoPickler } from './torch-pickle-writer.ts';
import { LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION } from './legacy-torch-reader.ts';
import { writeAtomically } from './write-atomically.ts';
import type { CkptWriteOptions } from './ckpt-writer.ts';

/** One small pickle, as `pickle.dump(value, f, protocol=2)` writes it. */
function pickleOf(write: (p: ProtocolTwoPickler) => void): Uint8Array {
  const p = new ProtocolTwoPickler();
  p.op(0x80, 2);
  write(p);
  p.op(0x2e);
  return p.bytes();
}

/**
 * Writes a checkpoint in the format torch.save used before PyTorch 1.6 (older `.pt` embeddings and
 * checkpoints): magic number, protocol version and system info pickles, the state dict, the list of
 * storage keys, then each storage as an int64 element count and its little-endian bytes.
 */
export function writeLegacyTorch(path: string, tensors: TensorSpec[], options: Pick<CkptWriteOptions, 'floatDType' | 'wrapInStateDict' | 'extras'> = {}): void {
  const dtypes = tensors.map((spec) => storedDType(spec, options.floatDType));
  const keys = tensors.map((_, i) => String(i));
  const pickles = [
    pickleOf((p) => p.bigInt(LEGACY_MAGIC)),
    pickleOf((p) => p.int(LEGACY_PROTOCOL_VERSION)),
    pickleOf((p) =>
      p.dict([
        [() => p.string('protocol_version'), () => p.int(LEGACY_PROTOCOL_VERSION)],
        [() => p.string('little_endian'), () => p.op(0x88)],
        [() => p.string('type_sizes'), () => p.dict([[() => p.string('short'), () => p.int(2)], [() => p.string('int'), () => p.int(4)], [() => p.string('long'), () => p.int(4)]])],
      ]),
    ),
    pickleStateDict(
      tensors.map((spec, i) => ({ name: spec.name, dtype: dtypes[i], shape: spec.shape, key: keys[i] })),
      { wrapInStateDict: options.wrapInStateDict, extras: options.extras, storageIds: 'legacy' },
    ),
    pickleOf((p) => {
      p.op(0x5d); // EMPTY_LIST
      p.memoize();
      p.op(0x28);
      for (const key of keys) p.string(key);
      p.op(0x65); // APPENDS
    }),
  ];
  writeAtomically(path, (temp) => {
    const fd = openSync(temp, 'w');
    try {
      let position = 0;
      const write = (bytes: Uint8Array) => {
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
        position += bytes.length;
      };
      for (const pickle of pickles) write(pickle);
      tensors.forEach((spec, i) => {
        const count = new Uint8Array(8);
        new DataView(count.buffer).setBigInt64(0, BigInt(spec.shape.reduce((a, b) => a * b, 1)), true);
        write(count);
        write(encodeTensor(spec, dtypes[i]));
      });
    } finally {
      closeSync(fd);
    }
  });
}
