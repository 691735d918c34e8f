import { validateWorkflow } from '../runtime/index.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';
import { DEFAULT_PLUGINS_DIR, loadRegistry } from './registry.ts';
import { readWorkflowFile } from './workflow-file.ts';

const USAGE = `usage: latentflow validate <workflow.json> [--json] [--plugins <dir>]

  Lists every problem in the workflow; exits 1 when there is any.
  --json      print {"valid", "issues"} as JSON`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
  },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new UsageError(`expected one workflow file, got ${positionals.length}`);
    const path = positionals[0];
    const file = readWorkflowFile(path);
    const issues = file.ok
      ? validateWorkflow(file.workflow, await loadRegistry(values.plugins))
      : [{ code: 'invalid_workflow' as const, message: file.message }];
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
