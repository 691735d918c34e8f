import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import builtin from '../../nodes/index.ts';
import { applyOverrides, createRegistry, validateWorkflow, type Workflow } from '../../runtime/index.ts';
import { allOptionsOff, SPEED_OPTIONS, TXT2IMG_MODELS, txt2imgFiguresOf } from '../../bench/txt2img-figures.ts';
import { txt2img, type Txt2imgResult } from '../../bench/tasks/txt2img.ts';
import type { ChildOutcome } from '../../bench/child.ts';

const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));
const shippedTxt2img = () => JSON.parse(readFileSync(new URL('../../workflows/txt2img.json', import.meta.url), 'utf8')) as Workflow;

const outcome = (wallMs: number, unetMs: number, peakRssBytes: number): ChildOutcome<Txt2imgResult> => ({
  result: { wallMs, openMs: 5_000, inferenceMs: unetMs + 2_000, inferenceMsByNetwork: { unet: unetMs, text_encoder: 500, vae_decoder: 1_500 } },
  peakRssBytes,
  wallMs,
});

describe('txt2img figures', () => {
  it('turns every speed option off with overrides that name inputs of the shipped workflow', () => {
    const registry = createRegistry();
    registry.register(builtin);
    const off = allOptionsOff(SPEED_OPTIONS);
    expect(off['model.model']).toBe(TXT2IMG_MODELS.float);
    expect(Object.keys(off).length).toBe(SPEED_OPTIONS.reduce((n, option) => n + Object.keys(option.off).length, 0));
    expect(validateWorkflow(applyOverrides(shippedTxt2img(), off), registry)).toEqual([]);
  });

  it('judges the mean of the two shipped-defaults runs against 2 minutes and the first one\'s peak against 1.3x the fp32 weights', () => {
    const figures = txt2imgFiguresOf({
      steps: 20,
      shipped: [outcome(110_000, 100_000, 3e9), outcome(130_000, 120_000, 2e9)],
      optionsOff: outcome(240_000, 230_000, 5e9),
      lcm: outcome(24_000, 15_000, 3e9),
      fp32WeightsBytes: 4e9,
      load: 1,
    });
    const byId = new Map(figures.map((f) => [f.id, f]));
    expect(byId.get('txt2img.time_shipped')).toMatchObject({ value: 2, unit: 'min', target: { kind: 'max', limit: 2 } });
    expect(byId.get('txt2img.time_options_off')).toMatchObject({ value: 4 });
    expect(byId.get('txt2img.time_options_off')!.target).toBeUndefined();
    expect(byId.get('txt2img.time_options_off')!.note).toContain('2.00x the shipped defaults');
    expect(byId.get('txt2img.time_lcm')!.value).toBeCloseTo(0.4, 9);
    expect(byId.get('txt2img.time_lcm')!.note).toContain('0.20x the time of the 20-step run');
    // The first run: 110 s end to end, 5 s opening, 102 s in ORT.
    expect(byId.get('overhead.txt2img_full')!.value).toBeCloseTo((100 * 3_000) / 102_000, 9);
    expect(byId.get('txt2img.peak_rss')).toMatchObject({ value: 3, target: { kind: 'max', limit: 5.2 } });
  });

  it('runs the shipped workflow with overrides in one process and splits the ORT time by network', async () => {
    const run = await txt2img({ dataDir: DATA_DIR, overrides: { 'model.model': 'tiny', 'schedule.steps': 3 } });
    expect(Object.keys(run.inferenceMsByNetwork).sort()).toEqual(['text_encoder', 'unet', 'vae_decoder']);
    const summed = Object.values(run.inferenceMsByNetwork).reduce((a, b) => a + b, 0);
    expect(run.inferenceMs).toBeCloseTo(summed, 6);
    expect(run.openMs).toBeGreaterThan(0);
    expect(run.wallMs).toBeGreaterThan(run.openMs + run.inferenceMs);
  }, 60_000);
});
