// `npm run bench [-- --quick] [-- --json]`: speed and memory on this machine, each figure with its target.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describeHardware } from '../runtime/backends/index.ts';
import { cpuFeatures } from './cpu-features.ts';
import { judge } from './figures.ts';
import { fullFigures } from './full-figures.ts';
import { peakFigures } from './peak-figures.ts';
import { quickFigures } from './quick-figures.ts';
import { scaleOutFigures } from './scale-out.ts';
import { FIGURE_GROUPS, selectedFigures, type FigureGroup } from './selected-figures.ts';
import { formatTable } from './table.ts';

const USAGE = [
  'usage: npm run bench [-- --quick] [-- --json] [-- --only vae,txt2img [--full-model <dir>]]',
  '  --quick              tiny model and micro-benchmarks only (no full-size networks)',
  '  --json               print the figures as JSON instead of a table',
  `  --only <groups>      only the attainable rates and these full-size groups: ${FIGURE_GROUPS.join(', ')}`,
  '  --full-model <dir>   with --only txt2img: keep the converted full-size models (float and default UNet) in <dir> and reuse them',
  '  LATENTFLOW_SD_CPP=<sd-cli>  also runs stable-diffusion.cpp on the bench\'s checkpoint, side by side (full run, --only txt2img)',
  '                       (--only lora and --only deepcache keep their models in .tmp/bench/full-size/ in any case)',
  '',
].join('\n');
const WORK_ROOT = fileURLToPath(new URL('../.tmp/bench/', import.meta.url));

async function main(args: string[]): Promise<number> {
  const options = { quick: { type: 'boolean' }, json: { type: 'boolean' }, only: { type: 'string' }, 'full-model': { type: 'string' } } as const;
  const unknown = args.filter((a) => a.startsWith('--') && !(a.slice(2) in options));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const parsed = parseArgs({ args, options }).values;
  const only = parsed.only?.split(',');
  const fullModel = parsed['full-model'];
  const badGroup = only?.find((g) => !(FIGURE_GROUPS as readonly string[]).includes(g));
  if (badGroup !== undefined || (fullModel !== undefined && !only)) {
    process.stderr.write(`${badGroup !== undefined ? `unknown group "${badGroup}"` : '--full-model needs --only'}\n${USAGE}`);
    return 2;
  }
  const quick = parsed.quick === true;
  const workDir = join(WORK_ROOT, `run-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  // A full run writes gigabytes there: an interrupted run must not leave them behind.
  process.once('SIGINT', () => {
    rmSync(workDir, { recursive: true, force: true });
    // Re-raised with the default action: exiting through Node while ORT threads compute aborts.
    process.kill(process.pid, 'SIGINT');
  });
  const started = performance.now();
  try {
    const hardware = await describeHardware();
    const base = only ? [] : await quickFigures();
    const rest = only
      ? await selectedFigures(only as FigureGroup[], workDir, fullModel && resolve(fullModel))
      : quick ? await peakFigures(workDir) : await fullFigures(workDir);
    const scale = quick || only ? { figures: [], unavailable: [] } : await scaleOutFigures();
    const figures = [...base, ...rest.figures, ...scale.figures].map(judge);
    const unavailable = [...rest.unavailable, ...scale.unavailable];
    const report = {
      mode: only ? `only ${only.join(',')}` : quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      machine: { cpu: hardware.cpu, cpuFeatures: cpuFeatures(), memoryBytes: hardware.memoryBytes },
      durationS: (performance.now() - started) / 1000,
      figures,
      unavailable,
    };
    if (parsed.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const cpu = `${hardware.cpu.model} (${report.machine.cpuFeatures.join(' ')}), ${hardware.cpu.cores} cores, ${(hardware.memoryBytes / 2 ** 30).toFixed(0)} GiB`;
      process.stdout.write(`latentflow bench (${report.mode}) on ${cpu}, ${report.date}, ${report.durationS.toFixed(0)} s\n\n${formatTable(figures, unavailable)}\n`);
    }
    return figures.every((f) => f.met !== false) ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
