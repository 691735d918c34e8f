import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { JudgedFigure, Unavailable } from '../../bench/figures.ts';

const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], { encoding: 'utf8', timeout: 90_000 });

const QUICK_FIGURES_WITH_TARGETS = ['overhead.txt2img', 'overhead.per_node', 'tokenizer.throughput'];
const QUICK_FIGURES = [...QUICK_FIGURES_WITH_TARGETS, 'peak.matmul', 'peak.conv'];

// The whole `--quick` run (about 25 s on 2 cores): `npm run test:bench`, not part of npm test.
describe('npm run bench --quick', () => {
  it('--quick --json reports every quick figure with a number, and judges each against its target', { timeout: 90_000 }, () => {
    const result = run(['--quick', '--json']);
    expect(result.error).toBeUndefined();
    const report = JSON.parse(result.stdout) as { mode: string; figures: JudgedFigure[]; unavailable: Unavailable[] };
    expect(report.mode).toBe('quick');
    const byId = new Map(report.figures.map((f) => [f.id, f]));
    for (const id of QUICK_FIGURES) {
      const figure = byId.get(id);
      expect(figure, id).toBeDefined();
      expect(Number.isFinite(figure!.value) && figure!.value > 0, `${id} = ${figure!.value}`).toBe(true);
      expect(figure!.unit).not.toBe('');
    }
    for (const id of QUICK_FIGURES_WITH_TARGETS) {
      const { target, value, met } = byId.get(id)!;
      expect(target, id).toBeDefined();
      expect(met).toBe(target!.kind === 'max' ? value <= target!.limit : value >= target!.limit);
    }
    // float16 is either measured or explained; bf16 is explained.
    expect(byId.has('variant.fp16_matmul') || report.unavailable.some((u) => u.id === 'variant.fp16_matmul')).toBe(true);
    expect(report.unavailable.every((u) => u.reason.length > 0)).toBe(true);
    // The exit code says whether every target was met.
    expect(result.status).toBe(report.figures.every((f) => f.met !== false) ? 0 : 1);
    expect(report.figures.some((f) => f.id.startsWith('unet.'))).toBe(false);
  });
});
