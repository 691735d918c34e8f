import { writeFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand, EXIT, UsageError } from './args.ts';
import { readAnyWorkflowFile } from './workflow-file.ts';
import { DEFAULT_PLUGINS_DIR, loadRegistry } from './registry.ts';

const USAGE = `usage: latentflow import <comfyui.json|image.png> [--out <workflow.json>] [options]

  Converts a ComfyUI workflow (API or UI format, or a PNG carrying one) into a latentflow workflow,
  printed on stdout or written to --out. Models and images are checked against --data and --input.
  --out <file>      write here instead of stdout
  --data <dir>      models (default ./data)
  --input <dir>     input images (default ./input)
  --plugins <dir>   third-party plugins (default ./plugins)`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    out: { type: 'string' },
    data: { type: 'string', default: './data' },
    input: { type: 'string', default: './input' },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
  },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError(`expected one file to import, got ${positionals.length}`);
    const registry = await loadRegistry(values.plugins);
    const file = readAnyWorkflowFile(positionals[0], { registry, dataDir: resolve(values.data), inputDir: resolve(values.input) });
    if (!file.ok) {
      process.stderr.write(`${file.message}\n`);
      return EXIT.failed;
    }
    const text = `${JSON.stringify(file.workflow, null, 2)}\n`;
    if (values.out === undefined) process.stdout.write(text);
    else {
      writeFileSync(`${values.out}.partial`, text);
      renameSync(`${values.out}.partial`, values.out);
      process.stderr.write(`wrote ${values.out} (from ${file.format})\n`);
    }
    return EXIT.ok;
  },
});
