import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ComfyConversionError, nativeSizes, workflowToApiPrompt } from '../compat/comfyui/index.ts';
import { validateWorkflow, type Workflow } from '../runtime/index.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';
import { DEFAULT_PLUGINS_DIR, loadRegistry } from './registry.ts';
import { readWorkflowFile } from './workflow-file.ts';

const USAGE = `usage: latentflow export <workflow.json> --format comfy-api [--out <file>]

  Writes a latentflow workflow in ComfyUI's API format (what POST /prompt takes), when every node maps back.
  --format comfy-api   the only format so far
  --out <file>         write here instead of stdout
  --data <dir>         models (default ./data): EmptyLatent's 0 is written as the linked model's native size`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
    data: { type: 'string', default: './data' },
  },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError(`expected one workflow file, got ${positionals.length}`);
    if (values.format !== 'comfy-api') throw new UsageError('--format must be comfy-api');
    const file = readWorkflowFile(positionals[0]);
    const registry = await loadRegistry(values.plugins);
    const issues = file.ok ? validateWorkflow(file.workflow, registry) : [{ code: 'invalid_workflow', message: file.message }];
    if (issues.length > 0) {
      for (const issue of issues) process.stderr.write(`[${issue.code}] ${issue.message}\n`);
      return EXIT.failed;
    }
    const workflow = (file as { workflow: Workflow }).workflow;
    let text: string;
    try {
      text = `${JSON.stringify(workflowToApiPrompt(workflow, { registry, nativeSizes: await nativeSizes(workflow, resolve(values.data)) }), null, 2)}\n`;
    } catch (error) {
      if (!(error instanceof ComfyConversionError)) throw error;
      for (const issue of error.issues) process.stderr.write(`[${issue.code}] ${issue.message}\n`);
      return EXIT.failed;
    }
    if (values.out === undefined) process.stdout.write(text);
    else {
      writeFileSync(`${values.out}.partial`, text);
      renameSync(`${values.out}.partial`, values.out);
    }
    return EXIT.ok;
  },
});
