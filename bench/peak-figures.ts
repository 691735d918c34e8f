import { measureComputePeak, type ComputePeak } from './compute-peak.ts';
import type { Figure, Unavailable } from './figures.ts';

/** The machine's attainable fp32 rate on the UNet's kernels, and the half-precision variants. */
export async function peakFigures(workDir: string): Promise<{ figures: Figure[]; unavailable: Unavailable[]; peak: ComputePeak }> {
  const figures: Figure[] = [];
  const unavailable: Unavailable[] = [];
  const peak = await measureComputePeak(workDir);
  figures.push({ id: 'peak.matmul', label: 'Attainable fp32: 2048² MatMul in ORT', value: peak.matmulGflops, unit: 'GFLOP/s', note: 'best of 5; ~170 on the reference 2-core machines' });
  figures.push({ id: 'peak.conv', label: 'Attainable fp32: 3x3 conv, 320 ch, 64x64, batch 2', value: peak.convGflops, unit: 'GFLOP/s', note: 'best of 5; ~207 on the reference 2-core machines' });
  if ('gflops' in peak.matmulFloat16) {
    figures.push({
      id: 'variant.fp16_matmul', label: 'Variant: float16 2048² MatMul on ORT CPU', value: peak.matmulFloat16.gflops, unit: 'GFLOP/s',
      note: `${(peak.matmulFloat16.gflops / peak.matmulGflops).toFixed(2)}x the float32 MatMul measured alongside`,
    });
  } else {
    unavailable.push({ id: 'variant.fp16_matmul', label: 'Variant: float16 MatMul on ORT CPU', reason: peak.matmulFloat16.unavailable });
  }
  unavailable.push({
    id: 'variant.bf16', label: 'Variant: bfloat16',
    reason: 'not measured: the ONNX writer (models/onnx) has no bfloat16 tensor type, so no bf16 graph can be built',
  });
  return { figures, unavailable, peak };
}
