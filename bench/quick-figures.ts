import type { Figure } from './figures.ts';
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

/** The figures that need no model files beyond the tiny one: runtime overhead and the tokenizer. */
export async function quickFigures(): Promise<Figure[]> {
  const figures: Figure[] = [];

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

  return figures;
}
