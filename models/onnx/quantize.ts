/** Weight quantisation for ORT's dynamic-quantised kernels (activations are quantised at run time). */

export interface QuantizedMatrix {
  /** [rows, cols], symmetric in [-63, 63]: w ~= values * scales[col]. */
  values: Int8Array;
  scales: Float32Array;
}

export interface QuantizedFilters {
  /** Same layout as the float filters; w ~= (values - 128) * scales[outChannel]. */
  values: Uint8Array;
  scales: Float32Array;
}

/**
 * The largest int8 weight of a matrix (and of the int8-static weights, qdq.ts). 7 bits, not 8: on x86 CPUs without VNNI, ORT's uint8 x int8
 * MatMul adds pairs of products in int16 (vpmaddubsw), which saturates with full-range weights
 * (2 x 255 x 127 > 32767); the tiny UNet's output was 50% off. ORT's own quantiser calls this reduce_range.
 */
export const WEIGHT_INT8_MAX = 63;

/** Per-column symmetric int8 quantisation of a row-major [rows, cols] matrix. */
export function quantizeColumns(matrix: Float32Array, rows: number, cols: number): QuantizedMatrix {
  const scales = new Float32Array(cols);
  for (let row = 0; row < rows * cols; row += cols) {
    for (let c = 0; c < cols; c++) scales[c] = Math.max(scales[c], Math.abs(matrix[row + c]));
  }
  for (let c = 0; c < cols; c++) scales[c] = scales[c] / WEIGHT_INT8_MAX || 1;
  const values = new Int8Array(rows * cols);
  for (let row = 0; row < rows * cols; row += cols) {
    for (let c = 0; c < cols; c++) values[row + c] = Math.round(matrix[row + c] / scales[c]);
  }
  return { values, scales };
}

/**
 * Per-output-channel symmetric quantisation of conv filters [out, in, kh, kw], stored as uint8
 * around a zero point of 128 because ORT's CPU ConvInteger takes uint8 filters.
 */
export function quantizeFilters(filters: Float32Array, outChannels: number): QuantizedFilters {
  const perChannel = filters.length / outChannels;
  const scales = new Float32Array(outChannels);
  const values = new Uint8Array(filters.length);
  for (let o = 0; o < outChannels; o++) {
    const channel = filters.subarray(o * perChannel, (o + 1) * perChannel);
    const scale = channel.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127 || 1;
    scales[o] = scale;
    for (let i = 0; i < perChannel; i++) values[o * perChannel + i] = Math.round(channel[i] / scale) + 128;
  }
  return { values, scales };
}
