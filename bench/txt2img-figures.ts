import { loadavg } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runChild, type ChildOutcome } from './child.ts';
import type { Figure } from './figures.ts';
import { DEFAULT_UNET_WEIGHTS } from '../models/convert/index.ts';
import { FULL_MODELS } from './full-models.ts';
import type { Txt2imgOverrides, Txt2imgResult } from './tasks/txt2img.ts';

const GB = 1e9;
/** The converted full-size folders under `<data>/models/`: the default conversion and the float one. */
export const TXT2IMG_MODELS = { shipped: FULL_MODELS.default.folder, float: FULL_MODELS.float.folder } as const;
const STEPS = 20;
const LCM_STEPS = 4;
const TARGET_MINUTES = 2;

export interface SpeedOption {
  option: string;
  /** Workflow overrides (node ids as in workflows/txt2img.json) that turn it off. */
  off: Txt2imgOverrides;
}

/**
 * The shipped txt2img's speed options, each with the overrides that turn it off; the "every option off" run
 * applies them all. A new option of the shipped workflow goes here with its off value (token merging is
 * not one: it is off in the shipped workflow, see docs/performance.md).
 */
export const SPEED_OPTIONS: readonly SpeedOption[] = [
  { option: `${DEFAULT_UNET_WEIGHTS} UNet (the default conversion; off: the float one)`, off: { 'model.model': TXT2IMG_MODELS.float } },
  { option: 'DeepCache at interval 3 (the shipped workflow\'s; off: 1)', off: { 'unet.deep_cache_interval': 1 } },
];

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const bytesUnder = (path: string): number =>
  statSync(path).isDirectory() ? readdirSync(path).reduce((n, name) => n + bytesUnder(join(path, name)), 0) : statSync(path).size;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => ms / 60_000;

/** Every option turned off, in one set of overrides. */
export const allOptionsOff = (options: readonly SpeedOption[]): Txt2imgOverrides => Object.assign({}, ...options.map((o) => o.off));

export interface Txt2imgRuns {
  steps: number;
  /** The shipped defaults, before and after the options-off run (the machine may be shared). */
  shipped: [ChildOutcome<Txt2imgResult>, ChildOutcome<Txt2imgResult>];
  optionsOff: ChildOutcome<Txt2imgResult>;
  lcm: ChildOutcome<Txt2imgResult>;
  /** Bytes of the float model's text encoder, UNet and VAE decoder files. */
  fp32WeightsBytes: number;
  /** Load average when the runs started. */
  load: number;
}

/** The shipped defaults at 512x512: the UNet's time per step (batch 2, CFG) and the VAE decode's, means of both runs; the first run's peak memory. */
export interface ShippedTimes { stepMs: number; vaeDecodeMs: number; peakRssBytes: number }

/** Where a run's time went: opening the sessions, then ORT per network. */
function breakdown(run: Txt2imgResult, steps: number): string {
  const { unet = 0, text_encoder: text = 0, vae_decoder: vae = 0 } = run.inferenceMsByNetwork;
  return `opening the sessions ${seconds(run.openMs)}, UNet ${seconds(unet)} (${seconds(unet / steps)}/step), text encoder ${seconds(text)}, VAE decode ${seconds(vae)}`;
}

/** The figures of the runs: the times (target 5), the peak memory of the shipped defaults (target 7) and the full-size overhead. */
export function txt2imgFiguresOf(runs: Txt2imgRuns): Figure[] {
  const { steps } = runs;
  const [first, again] = runs.shipped.map((r) => r.result);
  const shippedMs = (first.wallMs + again.wallMs) / 2;
  const off = runs.optionsOff.result;
  const lcm = runs.lcm.result;
  const peak = runs.shipped[0].peakRssBytes;
  const limit = 1.3 * runs.fp32WeightsBytes;
  const size = `512x512, ${steps} steps`;
  const how = 'workflows/txt2img.json end to end in a process of its own (model already converted), opening the sessions counted';
  return [
    {
      id: 'txt2img.time_shipped', label: `txt2img ${size}, shipped defaults`, value: minutes(shippedMs), unit: 'min',
      target: { kind: 'max', limit: TARGET_MINUTES, text: `≤ ${TARGET_MINUTES.toFixed(1)} min` },
      note: `${how}; mean of the runs before and after the options-off run (${seconds(first.wallMs)}, ${seconds(again.wallMs)}); ` +
        `the first: ${breakdown(first, steps)}; load average ${runs.load.toFixed(1)} when they started`,
    },
    {
      id: 'txt2img.time_options_off', label: `txt2img ${size}, every speed option off`, value: minutes(off.wallMs), unit: 'min',
      note: `the same run with ${SPEED_OPTIONS.map((o) => o.option).join('; ')} off: ${(off.wallMs / shippedMs).toFixed(2)}x the shipped defaults' time; ${breakdown(off, steps)}`,
    },
    {
      id: 'txt2img.time_lcm', label: `txt2img 512x512, lcm sampler, ${LCM_STEPS} steps`, value: minutes(lcm.wallMs), unit: 'min',
      note: `shipped defaults with schedule.sampler lcm, ${LCM_STEPS} steps and cfg 1 (one UNet evaluation a step, as LCM runs): ` +
        `${(lcm.wallMs / shippedMs).toFixed(2)}x the time of the ${steps}-step run; ${breakdown(lcm, LCM_STEPS)}. Speed only: ` +
        'a usable image needs LCM-distilled weights or an LCM-LoRA, which the random checkpoint does not have',
    },
    {
      id: 'overhead.txt2img_full', label: 'Runtime overhead, full-size txt2img 512x512', value: (100 * (first.wallMs - first.openMs - first.inferenceMs)) / first.inferenceMs, unit: '% of ORT time',
      target: { kind: 'max', limit: 1, text: '< 1%' },
      note: `the first shipped-defaults run: ${seconds(first.wallMs)} end to end, less opening the sessions (${seconds(first.openMs)}), against ORT run() ${seconds(first.inferenceMs)}`,
    },
    {
      id: 'txt2img.peak_rss', label: 'Peak memory, full txt2img 512x512', value: peak / GB, unit: 'GB',
      target: { kind: 'max', limit: limit / GB, text: `≤ 1.3x the fp32 weights (${(limit / GB).toFixed(2)} GB)` },
      note: `VmHWM of the first shipped-defaults run: ${(peak / runs.fp32WeightsBytes).toFixed(2)}x the ${(runs.fp32WeightsBytes / GB).toFixed(2)} GB of fp32 weights ` +
        `(text encoder, UNet, VAE decoder); every option off (fp32 UNet): ${(runs.optionsOff.peakRssBytes / GB).toFixed(2)} GB, ` +
        `${(runs.optionsOff.peakRssBytes / runs.fp32WeightsBytes).toFixed(2)}x; PyTorch 6.4 GB`,
    },
  ];
}

/**
 * The shipped txt2img at 512x512 on the converted full-size models under `<dataDir>/models/` (TXT2IMG_MODELS),
 * each run in its own process: the shipped defaults, every speed option off, the shipped defaults again, then
 * the lcm sampler at 4 steps. Also returns the shipped defaults' times, for the peer comparison.
 */
export async function txt2imgFigures(dataDir: string, steps = STEPS): Promise<{ figures: Figure[]; shipped: ShippedTimes }> {
  const base: Txt2imgOverrides = { 'model.model': TXT2IMG_MODELS.shipped, 'latent.width': 512, 'latent.height': 512, 'schedule.steps': steps };
  const run = (name: string, overrides: Txt2imgOverrides) => {
    log(`full-size txt2img (512x512): ${name}`);
    return runChild<Txt2imgResult>('txt2img', { dataDir, overrides: { ...base, ...overrides } });
  };
  const load = loadavg()[0];
  const shipped = await run(`shipped defaults, ${steps} steps`, {});
  const optionsOff = await run(`every option off, ${steps} steps`, allOptionsOff(SPEED_OPTIONS));
  const shippedAgain = await run(`shipped defaults again, ${steps} steps`, {});
  const lcm = await run(`lcm, ${LCM_STEPS} steps`, { 'schedule.sampler': 'lcm', 'schedule.steps': LCM_STEPS, 'unet.cfg': 1 });
  const floatDir = join(dataDir, 'models', TXT2IMG_MODELS.float);
  const fp32WeightsBytes = ['text_encoder', 'unet', 'vae_decoder'].reduce((n, network) => n + bytesUnder(join(floatDir, network)), 0);
  const figures = txt2imgFiguresOf({ steps, shipped: [shipped, shippedAgain], optionsOff, lcm, fp32WeightsBytes, load });
  const mean = (pick: (r: Txt2imgResult) => number) => (pick(shipped.result) + pick(shippedAgain.result)) / 2;
  return {
    figures,
    shipped: { stepMs: mean((r) => r.inferenceMsByNetwork.unet ?? 0) / steps, vaeDecodeMs: mean((r) => r.inferenceMsByNetwork.vae_decoder ?? 0), peakRssBytes: shipped.peakRssBytes },
  };
}
