import type { GraphBuilder } from '../onnx/graph.ts';
import { concat, mul, unsqueeze } from '../onnx/ops.ts';

/** [cos(t * freqs), sin(t * freqs)] of a float32 [B] timestep: [B, channels]. */
export function timestepEmbedding(g: GraphBuilder, timestep: string, channels: number): string {
  const frequencies = g.constant('float32', timestepFrequencies(channels), [1, channels / 2]);
  const angles = mul(g, unsqueeze(g, timestep, [1]), frequencies);
  return concat(g, [g.op('Cos', [angles]), g.op('Sin', [angles])], 1);
}

/** freqs[i] = 10000^(-i / half) for i < half, rounded to float32 at each step as PyTorch computes it. */
export function timestepFrequencies(channels: number): number[] {
  const half = channels / 2;
  const f = Math.fround;
  return Array.from({ length: half }, (_, i) => f(Math.exp(f(f(f(-Math.log(10000)) * i) / half))));
}
