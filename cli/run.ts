import { resolve } from 'node:path';
import {
  applyOverrides, createExecutor, createStderrLogger, isLatentflowError, loadWorkflow, type Registry, type RunEnvironment, type Workflow,
} from '../runtime/index.ts';
import type { BackendInfo } from '../runtime/backends/index.ts';
import { createFolder, defineCommand, EXIT, parseSetOptions, UsageError } from './args.ts';
import { eventToNdjson } from './ndjson.ts';
import { createProgressDisplay } from './progress.ts';
import { DEFAULT_PLUGINS_DIR, loadRegistry } from './registry.ts';
import { readAnyWorkflowFile } from './workflow-file.ts';

const USAGE = `usage: latentflow run <workflow.json|comfyui.json|image.png> [options]

  Runs a latentflow workflow, a ComfyUI workflow (API or UI format), or the workflow a PNG carries.

  --set <nodeId>.<input>=<value>  override a literal input (repeatable; JSON when it parses, else text)
  --backend <name>                cpu (default), cuda, ...
  --out <dir>                     output folder (default ./output)
  --data <dir>                    models and vocabularies (default ./data)
  --input <dir>                   input images (default ./input)
  --plugins <dir>                 third-party plugins (default ./plugins)
  --events ndjson                 print every run event as one JSON line on stdout
  --verbose                       also log what nodes report at info level (on stderr)`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    set: { type: 'string', multiple: true },
    backend: { type: 'string', default: 'cpu' },
    out: { type: 'string', default: './output' },
    data: { type: 'string', default: './data' },
    input: { type: 'string', default: './input' },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
    events: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new UsageError(`expected one workflow file, got ${positionals.length}`);
    if (values.events !== undefined && values.events !== 'ndjson') throw new UsageError(`--events supports only "ndjson"`);
    const registry = await loadRegistry(values.plugins);
    const file = readAnyWorkflowFile(positionals[0], { registry, dataDir: resolve(values.data), inputDir: resolve(values.input) });
    if (!file.ok) {
      process.stderr.write(`${file.message}\n`);
      return EXIT.failed;
    }
    const workflow = withOverrides(upgraded(file.workflow, registry), parseSetOptions(values.set ?? []));
    const log = createStderrLogger(values.verbose ? 'info' : 'warn');
    // Imported here so usage errors answer without loading onnxruntime.
    const { createSessionPool, listBackends } = await import('../runtime/backends/index.ts');
    checkBackend(values.backend, listBackends());
    const outputDir = resolve(values.out);
    createFolder('--out', outputDir);
    const sessions = createSessionPool({ logger: log });
    const env: RunEnvironment = {
      dataDir: resolve(values.data),
      outputDir,
      inputDir: resolve(values.input),
      backend: values.backend,
      workflow,
      sessions,
    };
    const onEvent = values.events === 'ndjson'
      ? (event: Parameters<typeof eventToNdjson>[0]) => process.stdout.write(eventToNdjson(event))
      : createProgressDisplay({ out: process.stdout, err: process.stderr, isTTY: process.stdout.isTTY === true });

    const controller = new AbortController();
    const interrupt = () => {
      if (controller.signal.aborted) process.exit(EXIT.interrupted);
      process.stderr.write('interrupted: stopping at the next check (Ctrl-C again to quit now)\n');
      controller.abort();
    };
    process.on('SIGINT', interrupt);
    try {
      const executor = createExecutor({ registry, log });
      const result = await executor.run(workflow, { env, signal: controller.signal, onEvent });
      return result.status === 'finished' ? EXIT.ok : result.status === 'cancelled' ? EXIT.interrupted : EXIT.failed;
    } finally {
      process.off('SIGINT', interrupt);
      await sessions.close();
    }
  },
});

function checkBackend(name: string, backends: BackendInfo[]): void {
  const backend = backends.find((candidate) => candidate.name === name);
  const known = backends.map((candidate) => (candidate.available ? candidate.name : `${candidate.name} (unavailable)`)).join(', ');
  if (!backend) throw new UsageError(`unknown backend "${name}"; this machine knows: ${known}`);
  if (!backend.available) throw new UsageError(`backend "${name}" is not available here: ${backend.reason ?? 'unknown reason'}`);
}

/** The workflow at current node versions, so `--set` names today's inputs; one that does not load is left for the executor to report. */
function upgraded(workflow: unknown, registry: Registry): unknown {
  return loadWorkflow(workflow, registry).workflow ?? workflow;
}

/** Applies `--set` values; a workflow too broken to take them is left for validation to report. */
function withOverrides(workflow: unknown, overrides: Record<string, unknown>): unknown {
  if (Object.keys(overrides).length === 0) return workflow;
  const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
  if (typeof nodes !== 'object' || nodes === null) return workflow;
  try {
    return applyOverrides(workflow as Workflow, overrides);
  } catch (error) {
    if (isLatentflowError(error, 'bad_override')) throw new UsageError(`--set: ${error.message}`, { cause: error });
    throw error;
  }
}
