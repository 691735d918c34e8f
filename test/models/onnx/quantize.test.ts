import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../models/onnx/index.ts';
import { conv2d, linear, quantizedConv2d, quantizedLinear } from '../../../models/onnx/ops.ts';
import { quantizeColumns, quantizeFilters } from '../../../models/onnx/quantize.ts';
import { maxAbsDiff, runModel, seededValues } from './run-model.ts';

const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('weight quantisation', () => {
  it('quantizeColumns: per-column scale max|w|/63 (7 bits), every weight within half a step', () => {
    const [rows, cols] = [6, 3];
    const matrix = seededValues(rows * cols, 1);
    matrix[2 * cols + 1] = 5; // column 1 has a large weight: its own scale, not the others'
    for (let r = 0; r < rows; r++) matrix[r * cols + 2] = 0;
    const { values, scales } = quantizeColumns(matrix, rows, cols);
    expect(scales[1]).toBeCloseTo(5 / 63, 7);
    expect(values[2 * cols + 1]).toBe(63);
    expect(scales[0]).toBeLessThan(1 / 63 + 1e-7);
    expect(scales[2]).toBe(1);
    for (let i = 0; i < rows * cols; i++) {
      expect(Math.abs(values[i] * scales[i % cols] - matrix[i])).toBeLessThanOrEqual(scales[i % cols] / 2 + 1e-7);
    }
  });

  it('quantizeFilters: uint8 around 128 with one scale per output channel', () => {
    const filters = seededValues(2 * 3 * 3 * 3, 2);
    filters[27] = -2; // first weight of channel 1
    const { values, scales } = quantizeFilters(filters, 2);
    expect(scales[1]).toBeCloseTo(2 / 127, 7);
    expect(values[27]).toBe(1);
    filters.forEach((w, i) => {
      const scale = scales[i < 27 ? 0 : 1];
      expect(Math.abs((values[i] - 128) * scale - w)).toBeLessThanOrEqual(scale / 2 + 1e-7);
    });
  });
});

describe('quantised op helpers stay within 2% of their float versions', () => {
  it('quantizedLinear', async () => {
    const [rows, inputs, outputs] = [5, 64, 24];
    const x = seededValues(rows * inputs, 3);
    const weight = seededValues(inputs * outputs, 4, 0.2);
    const bias = seededValues(outputs, 5);
    const q = quantizeColumns(weight, inputs, outputs);
    const g = new GraphBuilder();
    const xi = g.input('x', 'float32', [rows, inputs]);
    const b = g.initializer('b', 'float32', [outputs], () => bias);
    g.output(linear(g, xi, g.initializer('w', 'float32', [inputs, outputs], () => weight), b), 'float', 'float32');
    const quantized = quantizedLinear(g, xi, g.initializer('wq', 'int8', [inputs, outputs], () => q.values), g.initializer('s', 'float32', [outputs], () => q.scales), b);
    g.output(quantized, 'int8', 'float32');
    const out = await runModel(g.build('qlinear'), { x: { data: x, dims: [rows, inputs] } });
    const reference = out.float.data as Float32Array;
    expect(maxAbsDiff(out.int8.data as Float32Array, reference) / maxAbs(reference)).toBeLessThan(0.02);
  });

  // Full-range int8 weights failed this on x86 CPUs without VNNI: ORT's kernel saturates an int16 sum there.
  it('quantizedLinear with activations and weights at their extremes', async () => {
    const [rows, inputs, outputs] = [4, 64, 8];
    const x = Float32Array.from({ length: rows * inputs }, (_, i) => (i % inputs === 0 ? -0.01 : 1));
    const weight = new Float32Array(inputs * outputs).fill(0.5);
    const q = quantizeColumns(weight, inputs, outputs);
    const g = new GraphBuilder();
    const xi = g.input('x', 'float32', [rows, inputs]);
    g.output(quantizedLinear(g, xi, g.initializer('wq', 'int8', [inputs, outputs], () => q.values), g.initializer('s', 'float32', [outputs], () => q.scales)), 'int8', 'float32');
    const out = (await runModel(g.build('qlinear-extremes'), { x: { data: x, dims: [rows, inputs] } })).int8.data as Float32Array;
    const expected = 0.5 * (inputs - 1) - 0.005;
    expect(maxAbsDiff(out, new Array<number>(rows * outputs).fill(expected)) / expected).toBeLessThan(0.02);
  });

  it('quantizedConv2d with stride 2 and right/bottom padding', async () => {
    const [channels, outChannels, size] = [8, 6, 9];
    const x = seededValues(channels * size * size, 6);
    const filters = seededValues(outChannels * channels * 9, 7, 0.3);
    const bias = seededValues(outChannels, 8);
    const q = quantizeFilters(filters, outChannels);
    const options = { kernel: 3, stride: 2, pads: [0, 0, 1, 1] as [number, number, number, number] };
    const g = new GraphBuilder();
    const xi = g.input('x', 'float32', [1, channels, size, size]);
    const floatOut = conv2d(g, xi, g.initializer('w', 'float32', [outChannels, channels, 3, 3], () => filters), g.initializer('b', 'float32', [outChannels], () => bias), options);
    g.output(floatOut, 'float', 'float32');
    const quantized = quantizedConv2d(g, xi, {
      weight: g.initializer('wq', 'uint8', [outChannels, channels, 3, 3], () => q.values),
      zeroPoint: g.initializer('z', 'uint8', [], () => Uint8Array.of(128)),
      scales: g.initializer('s', 'float32', [outChannels, 1, 1], () => q.scales),
      bias: g.initializer('b11', 'float32', [outChannels, 1, 1], () => bias),
    }, options);
    g.output(quantized, 'int8', 'float32');
    const out = await runModel(g.build('qconv'), { x: { data: x, dims: [1, channels, size, size] } });
    const reference = out.float.data as Float32Array;
    expect(out.int8.dims).toEqual([1, outChannels, 4, 4]);
    expect(maxAbsDiff(out.int8.data as Float32Array, reference) / maxAbs(reference)).toBeLessThan(0.02);
  });
});
