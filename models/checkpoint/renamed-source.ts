import type { TensorInfo, TensorSource } from './types.ts';
import { tensorNotFound } from './errors.ts';

/** One tensor of a renamed view: where it comes from, and the name and shape it is shown under. */
export interface RenamedTensor {
  source: TensorSource;
  original: string;
  name: string;
  /** A shape of the same element count (e.g. [C, C] shown as [C, C, 1, 1]); default the stored one. */
  shape?: number[];
}

/** Tensors of one or more open sources under other names; closing it closes them all. */
export class RenamedSource implements TensorSource {
  readonly tensors: TensorInfo[];
  private readonly byName = new Map<string, { tensor: RenamedTensor; info: TensorInfo }>();

  constructor(
    readonly path: string,
    readonly format: TensorSource['format'],
    entries: RenamedTensor[],
    private readonly sources: TensorSource[],
  ) {
    for (const tensor of entries) {
      const stored = tensor.source.info(tensor.original)!;
      this.byName.set(tensor.name, { tensor, info: { name: tensor.name, dtype: stored.dtype, shape: tensor.shape ?? stored.shape } });
    }
    this.tensors = [...this.byName.values()].map(({ info }) => info);
  }

  info(name: string): TensorInfo | undefined {
    return this.byName.get(name)?.info;
  }

  readSync(name: string): Float32Array {
    const found = this.byName.get(name);
    if (!found) throw tensorNotFound(this.path, name);
    return found.tensor.source.readSync(found.tensor.original);
  }

  read(name: string): Promise<Float32Array> {
    return new Promise((resolve) => resolve(this.readSync(name)));
  }

  close(): void {
    for (const source of this.sources) source.close();
  }
}
