/**
 * A dependency-free ONNX writer.
 *
 *   const g = new GraphBuilder();
 *   const x = g.input('x', 'float32', ['batch', 4]);
 *   const w = g.initializer('w', 'float32', [4, 2], () => loadWeights());   // loaded lazily
 *   g.output(linear(g, x, w), 'y', 'float32', ['batch', 2]);
 *   writeOnnxModel(g.build('example'), 'out/model.onnx', { externalData: 'auto', weightType: 'float32' });
 *
 * `writeOnnxModel` streams initializers one at a time (peak memory ~ the largest tensor), puts
 * them in `model.onnx.data` when asked or when they exceed 64 MiB, writes to temporary names and
 * renames at the end. The graphs use opset 21 and ORT's `com.microsoft` contrib ops.
 */
export { GraphBuilder, float, floats, DEFAULT_OPSETS, DEFAULT_IR_VERSION } from './graph.ts';
export type { AttributeInput, NodeOptions } from './graph.ts';
export { writeOnnxModel, writeOnnxModelFile } from './writer.ts';
export type { WriteOptions, WrittenModel } from './writer.ts';
export { encodeModel, tensorBytes } from './encode.ts';
export type { TensorPlacement } from './encode.ts';
export { toFloat16, float32ToFloat16Bits, withFloat16Weights } from './float16.ts';
export { quantizeColumns, quantizeFilters } from './quantize.ts';
export type { QuantizedFilters, QuantizedMatrix } from './quantize.ts';
export { elementCount, initializerByteLength } from './model.ts';
export type { Attribute, DataType, Initializer, OnnxGraph, OnnxModel, OnnxNode, TensorValues, ValueInfo } from './model.ts';
export * as ops from './ops.ts';
