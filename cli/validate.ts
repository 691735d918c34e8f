import { resolve } from 'node:path';
import { validateWorkflow } from '../runtime/index.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';
import { DEFAULT_PLUGINS_DIR, loadRegistry } from './registry.ts';
import { readAnyWorkflowFile } from './workflow-file.ts';

const USAGE = `usage: latentflow validate <workflow.json|comfyui.json|image.png> [--json] [--plugins <dir>]

  Lists every problem in the workflow; exits 1 when there is any. ComfyUI workflows (API or UI format,
  or a PNG carrying one) are converted first, as \`latentflow run\` does; a class that does not convert is a problem.
  --json           print {"valid", "issues"} as JSON
  --data <dir>     models, for ComfyUI model names (default ./data)
  --input <dir>    input images, for ComfyUI's LoadImage (default ./input)`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
    data: { type: 'string', default: './data' },
    input: { type: 'string', default: './input' },
  },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new UsageError(`expected one workflow file, got ${positionals.length}`);
    const path = positionals[0];
    const registry = await loadRegistry(values.plugins);
    const file = readAnyWorkflowFile(path, { registry, dataDir: resolve(values.data), inputDir: resolve(values.input) });
    const issues: { code: string; message: string; nodeId?: string }[] = file.ok
      ? validateWorkflow(file.workflow, registry)
      : (file.issues ?? [{ code: 'invalid_workflow', message: file.message }]);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ valid: issues.length === 0, issues }, null, 2)}\n`);
    } else if (issues.length === 0) {
      process.stdout.write(`${path}: valid\n`);
    } else {
      process.stdout.write(`${path}: ${issues.length} problem(s)\n`);
      for (const issue of issues) process.stdout.write(`  [${issue.code}] ${issue.message}\n`);
    }
    return issues.length === 0 ? EXIT.ok : EXIT.failed;
  },
});
