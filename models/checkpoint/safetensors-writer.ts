import { closeSync, openSync, writeSync } from 'node:fs';
import { DTYPE_BYTES } from './types.ts';
import { encodeTensor, storedDType, type TensorSpec, type WritableDType } from './tensor-spec.ts';
import { writeAtomically } from './write-atomically.ts';

export interface SafetensorsWriteOptions {
  floatDType?: WritableDType;
  metadata?: Record<string, string>;
}

/** Writes a `.safetensors` file, generating and writing one tensor at a time. */
export function writeSafetensors(path: string, tensors: TensorSpec[], options: SafetensorsWriteOptions = {}): void {
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  const dtypes = tensors.map((spec) => storedDType(spec, options.floatDType));
  let offset = 0;
  tensors.forEach((spec, i) => {
    const size = spec.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtypes[i]];
    header[spec.name] = { dtype: dtypes[i], shape: spec.shape, data_offsets: [offset, offset + size] };
    offset += size;
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const encodedHeader = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  encodedHeader.set(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(encodedHeader.length), true);

  writeAtomically(path, (temp) => {
    const fd = openSync(temp, 'w');
    try {
      let position = 0;
      const write = (bytes: Uint8Array) => {
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
        position += bytes.length;
      };
      write(prefix);
      write(encodedHeader);
      tensors.forEach((spec, i) => write(encodeTensor(spec, dtypes[i])));
    } finally {
      closeSync(fd);
    }
  });
}
