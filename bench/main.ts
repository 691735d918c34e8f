// `npm run bench [-- --quick] [-- --json]`: speed and memory on this machine, each figure with its target.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeHardware } from '../runtime/backends/index.ts';
import { cpuFeatures } from './cpu-features.ts';
import { judge, type Figure, type Unavailable } from './figures.ts';
import { cachedFullSizeData, loraFigures } from './lora-figures.ts';
import { fullFigures } from './full-figures.ts';
import { peakFigures } from './peak-figures.ts';
import { quickFigures } from './quick-figures.ts';
import { scaleOutFigures } from './scale-out.ts';
import { formatTable } from './table.ts';

const USAGE = 'usage: npm run bench [-- --quick | --only lora] [-- --json]\n' +
  '  --quick      tiny model and micro-benchmarks only (no full-size networks)\n' +
  '  --only lora  only the full-size LoRA figures, on models built once and kept in .tmp/bench/full-size/\n' +
  '  --json       print the figures as JSON instead of a table\n';
const WORK_ROOT = fileURLToPath(new URL('../.tmp/bench/', import.meta.url));
const FULL_SIZE_DATA = join(WORK_ROOT, 'full-size');

async function main(args: string[]): Promise<number> {
  const only = args.indexOf('--only');
  const onlyLora = only >= 0 && args[only + 1] === 'lora';
  const unknown = args.filter((a, i) => a !== '--quick' && a !== '--json' && !(onlyLora && (i === only || i === only + 1)));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const quick = args.includes('--quick');
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
    let measured: { figures: Figure[]; unavailable: Unavailable[] };
    if (onlyLora) {
      measured = { figures: await loraFigures(await cachedFullSizeData(FULL_SIZE_DATA), workDir), unavailable: [] };
    } else {
      const base = await quickFigures();
      const rest = quick ? await peakFigures(workDir) : await fullFigures(workDir);
      const scale = quick ? { figures: [], unavailable: [] } : await scaleOutFigures();
      measured = { figures: [...base, ...rest.figures, ...scale.figures], unavailable: [...rest.unavailable, ...scale.unavailable] };
    }
    const figures = measured.figures.map(judge);
    const { unavailable } = measured;
    const report = {
      mode: onlyLora ? 'lora' : quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      machine: { cpu: hardware.cpu, cpuFeatures: cpuFeatures(), memoryBytes: hardware.memoryBytes },
      durationS: (performance.now() - started) / 1000,
      figures,
      unavailable,
    };
    if (args.includes('--json')) {
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
