import { encodeTensor, storedDType, type TensorSpec, type WritableDType } from './tensor-spec.ts';
import { pickleStateDict, type PickleStateDictOptions } from './torch-pickle-writer.ts';
import { ZipWriter } from './zip-writer.ts';
import { writeAtomically } from './write-atomically.ts';

export interface CkptWriteOptions {
  /** Stored type of float tensors that do not name one. Default F32. */
  floatDType?: WritableDType;
  /** Write zip64 records even for a small file. */
  forceZip64?: boolean;
  /** The zip's top folder; torch uses the file's stem. Default `archive`. */
  archiveName?: string;
  /** `{"state_dict": tensors}` (default, as SD checkpoints are) or the bare dict of tensors. */
  wrapInStateDict?: boolean;
  /** More top-level entries after `state_dict` (e.g. writeLightningExtras: a PyTorch Lightning checkpoint). */
  extras?: PickleStateDictOptions['extras'];
  /** The key of the wrapping dict instead of `state_dict`, e.g. `string_to_param` for an A1111 embedding. */
  wrapperKey?: string;
}

/**
 * Writes a checkpoint laid out as `torch.save` does (a zip of `data.pkl` and one stored entry per
 * storage), generating and writing one tensor at a time.
 */
export function writeCkpt(path: string, tensors: TensorSpec[], options: CkptWriteOptions = {}): void {
  const archive = options.archiveName ?? 'archive';
  const dtypes = tensors.map((spec) => storedDType(spec, options.floatDType));
  const pickle = pickleStateDict(
    tensors.map((spec, i) => ({ name: spec.name, dtype: dtypes[i], shape: spec.shape, key: String(i) })),
    { wrapInStateDict: options.wrapInStateDict, extras: options.extras, wrapperKey: options.wrapperKey },
  );
  writeAtomically(path, (temp) => {
    const zip = new ZipWriter(temp, { forceZip64: options.forceZip64 });
    try {
      zip.add(`${archive}/data.pkl`, [pickle]);
      tensors.forEach((spec, i) => zip.add(`${archive}/data/${i}`, [encodeTensor(spec, dtypes[i])]));
      zip.add(`${archive}/version`, [new TextEncoder().encode('3\n')]);
    } catch (error) {
      zip.abort();
      throw error;
    }
    zip.finish();
  });
}
