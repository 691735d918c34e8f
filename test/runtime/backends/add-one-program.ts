// A session program for the add-one model (tiny-onnx.ts): adds one `times` times, posting each result;
// with `times` 0 it keeps going until aborted. Negative values are refused with a coded error.
import type { SessionProgram } from '../../../runtime/backends/index.ts';

export interface AddOneInput { values: number[]; times: number }

const addOneRepeatedly: SessionProgram<AddOneInput, number[], number[]> = async ({ values, times }, { session, post, signal }) => {
  if (values.some((v) => v < 0)) throw Object.assign(new Error(`negative input ${values.join(', ')}`), { code: 'negative_input', input: 'values' });
  let x: Float32Array = Float32Array.from(values);
  for (let k = 0; times === 0 || k < times; k++) {
    signal.throwIfAborted();
    const { y } = await session.run({ x: { type: 'float32', data: x, dims: [x.length] } }, { signal });
    x = y.data as Float32Array;
    post([...x]);
  }
  return [...x];
};

export default addOneRepeatedly;
