import { loadavg } from 'node:os';
import type { Figure } from './figures.ts';
import { measurePerNodeOverhead, measureTxt2imgOverhead, type WorkflowOverhead } from './overhead.ts';
import { measureTokenizer } from './tokenizer.ts';

const TRIVIAL_NODES = 300;
/** Steps of the shipped txt2img workflow. */
const TINY_STEPS = 20;

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
    `and within those node times the session calls beyond ORT (3 run() hand-offs to the worker threads and back, UNetStep's ${TINY_STEPS} steps in one runProgram next to the UNet) ${ms(run.callerMs - run.inferenceMs)}`,
  ].join(', ');
}

/** The run whose overhead is the median one: a run that a load spike on a shared machine hit does not decide the figure. */
function medianRun(run: WorkflowOverhead): { wallMs: number; inferenceMs: number; percent: number } {
  const ranked = run.perRun.map((r) => ({ ...r, percent: (100 * (r.wallMs - r.inferenceMs)) / r.inferenceMs })).sort((a, b) => a.percent - b.percent);
  return ranked[ranked.length >> 1];
}

/** The figures that need no model files beyond the tiny one: runtime overhead and the tokenizer. */
export async function quickFigures(): Promise<Figure[]> {
  const figures: Figure[] = [];

  const load = loadavg()[0];
  const run = await measureTxt2imgOverhead();
  const median = medianRun(run);
  figures.push({
    id: 'overhead.txt2img', label: 'Runtime overhead, tiny txt2img end to end', value: median.percent, unit: '% of ORT time',
    target: { kind: 'max', limit: 5, text: '< 5%' },
    note: `median of ${run.runs} runs of workflows/txt2img.json (tiny model, 64x64, ${TINY_STEPS} steps, cache off), each end to end against the ORT run() time inside it: ` +
      `${median.wallMs.toFixed(0)} ms end to end, ORT ${median.inferenceMs.toFixed(0)} ms in ${run.inferences / run.runs} calls ` +
      `(all runs: ${run.perRun.map((r) => `${((100 * (r.wallMs - r.inferenceMs)) / r.inferenceMs).toFixed(1)}%`).join(' ')}); ${outsideOrt(run)}; load average ${load.toFixed(1)} when it started`,
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
