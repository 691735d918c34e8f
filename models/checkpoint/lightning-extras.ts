import type { ProtocolTwoPickler } from './torch-pickle-writer.ts';

/**
 * The entries PyTorch Lightning saves beside `state_dict` (as in sd-v1-4.ckpt): counters, its
 * version, `callbacks` keyed by the ModelCheckpoint class itself, a numpy float64 scalar (whose
 * bytes go through `_codecs.encode`, as numpy pickles them), a numpy dtype, a dtype class and a set.
 * Written so tests can prove such files load without running any of it.
 */
export function writeLightningExtras(p: ProtocolTwoPickler): void {
  const entry = (key: string, value: () => void) => {
    p.string(key);
    value();
    p.op(0x73); // SETITEM
  };
  entry('epoch', () => p.int(6));
  entry('global_step', () => p.int(470000));
  entry('pytorch-lightning_version', () => p.string('1.4.2'));
  entry('callbacks', () =>
    p.dict([
      [
        () => p.global('pytorch_lightning.callbacks.model_checkpoint', 'ModelCheckpoint'),
        () =>
          p.dict([
            [() => p.string('monitor'), () => p.none()],
            [() => p.string('best_model_score'), () => numpyFloat64(p, 0.125)],
            [() => p.string('best_model_path'), () => p.string('')],
            [() => p.string('score_dtype'), () => p.global('numpy.dtypes', 'Float64DType')],
          ]),
      ],
    ]),
  );
  entry('seen_steps', () => p.call('builtins', 'set', [() => p.tuple([() => p.int(1), () => p.int(2)])]));
}

/** `numpy.core.multiarray.scalar(numpy.dtype('f8'), _codecs.encode(<8 bytes as latin-1 text>, 'latin1'))`. */
function numpyFloat64(p: ProtocolTwoPickler, value: number): void {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  p.call('numpy.core.multiarray', 'scalar', [
    () => {
      p.call('numpy', 'dtype', [() => p.string('f8'), () => p.op(0x89), () => p.op(0x88)]);
      // BUILD with the dtype's state, as numpy writes it: (3, '<', None, None, None, -1, -1, 0)
      p.tuple([() => p.int(3), () => p.string('<'), () => p.none(), () => p.none(), () => p.none(), () => p.int(-1), () => p.int(-1), () => p.int(0)]);
      p.op(0x62);
    },
    () => p.call('_codecs', 'encode', [() => p.string(String.fromCharCode(...bytes)), () => p.string('latin1')]),
  ]);
}
