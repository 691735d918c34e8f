import type { TensorSource } from '../checkpoint/types.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { embeddingInvalid, embeddingUnreadable } from './errors.ts';

/** A textual-inversion embedding: vectors that stand in the prompt where its name is written. */
export interface Embedding {
  /** [vectors, width] row-major. */
  rows: Float32Array;
  vectors: number;
}

/** Tensor names that hold the vectors, in order of preference, when a file has more than one. */
const VECTOR_NAMES = ['*', 'emb_params', 'clip_l'];

/**
 * Reads an embedding: an A1111 `.pt` (`string_to_param`), a `.safetensors` with one tensor (e.g.
 * `emb_params`), or diffusers' `learned_embeds.bin` (`{token: vector}`), one vector or several,
 * through the safe readers. Its width must be the text encoder's.
 */
export function readEmbedding(path: string, width: number): Embedding {
  let source: TensorSource;
  try {
    source = openCheckpoint(path);
  } catch (error) {
    throw embeddingUnreadable(path, error);
  }
  try {
    if (source.tensors.some((t) => t.name === 'clip_g')) throw embeddingInvalid(path, 'it is an SDXL embedding (clip_g)');
    const tensor = source.tensors.length === 1 ? source.tensors[0] : source.tensors.find((t) => VECTOR_NAMES.includes(t.name));
    if (!tensor) throw embeddingInvalid(path, `it holds ${source.tensors.length} tensors and none is the vectors (${VECTOR_NAMES.join(', ')})`);
    const vectorWidth = tensor.shape[tensor.shape.length - 1];
    if (tensor.shape.length > 2 || tensor.shape.length === 0 || vectorWidth !== width) {
      throw embeddingInvalid(path, `its tensor "${tensor.name}" is [${tensor.shape.join(', ')}]; this text encoder needs [vectors, ${width}]`);
    }
    let rows: Float32Array;
    try {
      rows = source.readSync(tensor.name);
    } catch (error) {
      throw embeddingUnreadable(path, error);
    }
    return { rows, vectors: rows.length / width };
  } finally {
    source.close();
  }
}
