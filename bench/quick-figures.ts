import type { Figure, Unavailable } from './figures.ts';
import { measureComputePeak, type ComputePeak } from './compute-peak.ts';
import { measurePerNodeOverhead, measureTxt2imgOverhead, type WorkflowOverhead } from './overhead.ts';
import { measureTokenizer } from './tokenizer.ts';

const TRIVIAL_NODES = 300;

/** Where the time outside ORT goes, per run: inside the SD nodes beyond their inference, and between nodes. */
function outsideOrt(run: WorkflowOverhead): string {
  const ms = (value: number) => `${(value / run.runs).toFixed(1)} ms`;
  const node = (id: string) => run.nodeMs[id] ?? 0;
  const network = (name: string) => run.inferenceMsByNetwork[name] ?? 0;
  const inNodes = Object.values(run.nodeMs).reduce((a, b) => a + b, 0);
  return [
    `outside ORT per run: UNetStep ${ms(node('unet') - network('unet'))}`,
    `VAEDecode ${ms(node('decode') - network('vae_decoder'))}`,
    `TextEncoder x2 ${ms(node('encode_positive') + node('encode_negative') - network('text_encoder'))}`,
    `SaveImage ${ms(node('save'))}`,
    `between nodes ${ms(run.wallMs - inNodes)}`,
    `the nodes' run() calls took ${((run.callerMs - run.inferenceMs) / run.inferences).toFixed(2)} ms each beyond ORT (hand-off to the worker thread and back)`,
  ].join(', ');
}

/** The figures that need no full-size model: runtime overhead, tokenizer, the machine's peak. */
export async function quickFigures(workDir: string): Promise<{ figures: Figure[]; unavailable: Unavailable[]; peak: ComputePeak }> {
  const figures: Figure[] = [];
  const unavailable: Unavailable[] = [];

  const run = await measureTxt2imgOverhead();
  const outsideMs = run.wallMs - run.inferenceMs;
  figures.push({
    id: 'overhead.txt2img', label: 'Runtime overhead, tiny txt2img end to end', value: (100 * outsideMs) / run.inferenceMs, unit: '% of ORT time',
    target: { kind: 'max', limit: 1, text: '< 1%' },
    note: `${run.runs} runs of workflows/txt2img.json (tiny model, 64x64, 20 steps, cache off): ${(run.wallMs / run.runs).toFixed(0)} ms per run, ORT run() ${(run.inferenceMs / run.runs).toFixed(0)} ms in ${run.inferences / run.runs} calls; ${outsideOrt(run)}`,
  });
  figures.push({
    id: 'overhead.per_node', label: `Per-node overhead (${TRIVIAL_NODES} trivial nodes)`, value: await measurePerNodeOverhead(TRIVIAL_NODES), unit: 'ms/node',
    target: { kind: 'max', limit: 0.1, text: 'well under 1 ms (≤ 0.1 ms)' },
    note: 'a chain of trivial nodes, cache off; validation, ordering, signatures and events included; median of 7 runs',
  });
  figures.push({
    id: 'tokenizer.throughput', label: 'Tokenizer throughput', value: await measureTokenizer(), unit: 'prompts/s',
    target: { kind: 'min', limit: 1000, text: '≥ 1,000 (< 1 ms a prompt)' },
    note: '5,000 different prompts of 8-30 vocabulary words, encodeForModel, after a warm-up',
  });

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
