/**
 * Python classes that real checkpoints pickle beside their tensors, as A1111's restricted unpickler
 * and ComfyUI's weights-only loader let them through: PyTorch Lightning's bookkeeping
 * (`callbacks` keyed by the ModelCheckpoint class), numpy scalars and dtypes in its metrics, and
 * textual-inversion's ParameterDict. Each becomes an InertObject: the arguments and state the pickle
 * gave it, as plain data. Nothing of the class ever runs.
 */
export const INERT_CLASSES = new Set([
  'pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  'numpy.dtype',
  'torch.nn.modules.container.ParameterDict',
]);

/** numpy >= 1.25 pickles dtypes by their class, e.g. `numpy.dtypes.Float64DType`. */
export const isInertNumpyDType = (module: string, name: string): boolean => module === 'numpy.dtypes' && /^[A-Za-z0-9]+DType$/.test(name);

/** A class the pickle names (a dict key, or what REDUCE/NEWOBJ is applied to). */
export class InertClass {
  constructor(readonly name: string) {}
}

/** An instance of an inert class: what the pickle said about it, never constructed. */
export class InertObject {
  /** What BUILD gave it (a ParameterDict's `__dict__`, a dtype's state tuple...). */
  state: unknown;

  constructor(
    readonly className: string,
    readonly args: readonly unknown[],
  ) {}
}
