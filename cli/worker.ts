import { createStderrLogger } from '../runtime/index.ts';
import { ScaleWorker, WorkerStartError } from '../worker/scale-worker.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';
import { DEFAULT_PLUGINS_DIR } from './registry.ts';

const USAGE = `usage: latentflow worker --redis <url> [--backend <name>[,<name>...]] [--concurrency <n>] [--name <name>]
                         [--data <dir>] [--work <dir>] [--plugins <dir>] [--lock-ms <ms>] [--threads <n>]

  Takes runs from the Redis queue of a \`latentflow serve --redis\` server and executes them here;
  see docs/scale-out.md. Stops on SIGINT/SIGTERM after finishing its runs (a second signal puts
  them back in the queue for another worker).
  --redis        the server's Redis, e.g. redis://queue-host:6379
  --backend      backends to offer (default: every one available here: cpu, cuda, ...)
  --concurrency  runs at once (default 1)
  --name         shown in the server's worker list (default <host>-<pid>)
  --data         data folder with the models (default ./data); they must be here: the worker
                 advertises each by content hash and gets only runs whose models it has
  --work         where runs' input and output files are kept (default a temp folder)
  --plugins      third-party node plugins (default ./plugins), as on the server
  --lock-ms      BullMQ job lock: if this worker dies, its runs go to another worker
                 after about this long (default 30000)
  --threads      ORT threads per network (default one per core); with several workers on one
                 machine, give each its share of the cores`;

function positiveInteger(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < 1) throw new UsageError(`--${option} expects a positive integer, got "${text}"`);
  return value;
}

export const main = defineCommand({
  usage: USAGE,
  options: {
    redis: { type: 'string' },
    backend: { type: 'string' },
    concurrency: { type: 'string' },
    name: { type: 'string' },
    data: { type: 'string', default: './data' },
    work: { type: 'string' },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
    'lock-ms': { type: 'string' },
    threads: { type: 'string' },
  },
  async run({ values }) {
    if (!values.redis) throw new UsageError('--redis <url> is required');
    const log = createStderrLogger('info');
    const worker = new ScaleWorker({
      redisUrl: values.redis,
      dataDir: values.data,
      workDir: values.work,
      backends: values.backend?.split(',').map((name) => name.trim()).filter(Boolean),
      concurrency: positiveInteger('concurrency', values.concurrency, 1),
      name: values.name,
      lockMs: positiveInteger('lock-ms', values['lock-ms'], 30_000),
      threads: values.threads === undefined ? undefined : positiveInteger('threads', values.threads, 1),
      pluginsDir: values.plugins,
      log,
    });
    let info;
    try {
      info = await worker.start();
    } catch (error) {
      if (!(error instanceof WorkerStartError)) throw error;
      process.stderr.write(`error: ${error.message} [${error.code}]\n`);
      await worker.close();
      return EXIT.failed;
    }
    const models = info.models.map((model) => `${model.name} (${model.hash.slice(0, 12)})`).join(', ') || 'none';
    process.stdout.write(`worker ${info.name} is taking runs: backends ${info.backends.join(', ')}; models ${models}; pool ${info.pool}\n`);

    let signals = 0;
    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        process.stdout.write(signals === 1 ? `${signal}: finishing the runs in progress\n` : `${signal}: putting the runs in progress back in the queue\n`);
        void worker.close(signals > 1).then(resolve);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    return EXIT.ok;
  },
});
