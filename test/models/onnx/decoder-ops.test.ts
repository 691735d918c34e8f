import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../models/onnx/index.ts';
import { groupNormFromInstances, nearestUpsampleConv3x3, nearestUpsampleConvFromPhases, nearestUpsampleConvPhases } from '../../../models/onnx/decoder-ops.ts';
import { conv2d, groupNorm, upsampleNearest2x } from '../../../models/onnx/ops.ts';
import { maxAbsDiff, runModel, seededValues } from './run-model.ts';

type Input = { dims: number[]; data: Float32Array };

async function evaluate(inputs: Input[], build: (g: GraphBuilder, x: string[]) => string[]): Promise<Float32Array[]> {
  const g = new GraphBuilder();
  const names = inputs.map((input, i) => g.input(`x${i}`, 'float32', input.dims));
  build(g, names).forEach((value, i) => g.output(value, `y${i}`, 'float32'));
  const outputs = await runModel(g.build('test'), Object.fromEntries(inputs.map((input, i) => [`x${i}`, input])));
  return Object.keys(outputs).sort().map((k) => outputs[k].data as Float32Array);
}

const tensor = (dims: number[], seed: number, scale = 1, offset = 0): Input =>
  ({ dims, data: seededValues(dims.reduce((a, b) => a * b, 1), seed, scale).map((v) => v + offset) });

describe('decoder op forms match the plain ONNX ops', () => {
  it('groupNormFromInstances equals GroupNormalization, also for channels whose mean is far from zero', async () => {
    const [batch, channels, side, groups] = [2, 8, 5, 4];
    for (const offset of [0, 20]) {
      const x = tensor([batch, channels, side, side], 30, 2, offset);
      const s = tensor([channels], 31);
      const b = tensor([channels], 32);
      const [instances, reference] = await evaluate([x, s, b], (g, [xi, si, bi]) => [
        groupNormFromInstances(g, xi, si, bi, groups, 1e-6),
        groupNorm(g, xi, si, bi, groups, 1e-6),
      ]);
      expect(maxAbsDiff(instances, reference), `mean ${offset}`).toBeLessThan(1e-4);
    }
  });

  it('nearestUpsampleConv3x3 equals a 3x3 conv of the nearest 2x upsampled input, edges included', async () => {
    const [inChannels, outChannels, h, w] = [3, 5, 4, 6];
    const x = tensor([1, inChannels, h, w], 40);
    const weight = tensor([outChannels, inChannels, 3, 3], 41);
    const bias = tensor([outChannels], 42);
    const phases = nearestUpsampleConvPhases(weight.data, outChannels, inChannels);
    const [lowResolution, reference] = await evaluate([x, weight, bias], (g, [xi, wi, bi]) => {
      const filters = phases.map((p, i) => g.initializer(`phase${i}`, 'float32', [outChannels, inChannels, 2, 2], () => p));
      return [nearestUpsampleConv3x3(g, xi, filters, bi), conv2d(g, upsampleNearest2x(g, xi), wi, bi, { kernel: 3 })];
    });
    expect(lowResolution.length).toBe(outChannels * 4 * h * w);
    expect(maxAbsDiff(lowResolution, reference)).toBeLessThan(1e-5);
  });

  it('nearestUpsampleConvFromPhases gives back the 3x3 filter its phases were made from', () => {
    const [out, inputs] = [3, 5];
    const weight = seededValues(out * inputs * 9, 41);
    const back = nearestUpsampleConvFromPhases(nearestUpsampleConvPhases(weight, out, inputs), out, inputs);
    expect(maxAbsDiff(back, weight)).toBeLessThan(1e-6);
  });
});
