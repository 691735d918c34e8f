import { createServer } from '../server/index.ts';
import { createFolder, defineCommand, EXIT, UsageError } from './args.ts';
import { DEFAULT_PLUGINS_DIR } from './registry.ts';

const USAGE = `usage: latentflow serve [--host <address>] [--port <n>] [--data <dir>] [--plugins <dir>] [--insecure] [--redis <url>]

  Serves the editor at / and the API under /api (docs at /api/docs).
  --host      address to listen on (default 127.0.0.1). Any other than loopback
              requires an access token: LATENTFLOW_TOKEN, else one is generated and printed
  --port      port (default 8188; 0 picks a free one)
  --data      data folder: models, latentflow.sqlite, projects/ (default ./data)
  --plugins   third-party node plugins (default ./plugins)
  --insecure  listen beyond loopback without a token (only on a network you trust)
  --redis     hand runs to \`latentflow worker\` processes through Redis (redis://host:6379)
              instead of running them here; see docs/scale-out.md`;

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^[0-9]+$/.test(text) || port > 65535) throw new UsageError(`--port expects a number from 0 to 65535, got "${text}"`);
  return port;
}

/** Runs the server until SIGINT or SIGTERM, then shuts it down cleanly (queued runs stay queued). */
export const main = defineCommand({
  usage: USAGE,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8188' },
    data: { type: 'string', default: './data' },
    plugins: { type: 'string', default: DEFAULT_PLUGINS_DIR },
    insecure: { type: 'boolean', default: false },
    redis: { type: 'string' },
  },
  async run({ values }) {
    createFolder('--data', values.data);
    const server = await createServer({
      host: values.host,
      port: parsePort(values.port),
      dataDir: values.data,
      pluginsDir: values.plugins,
      insecure: values.insecure,
      redis: values.redis,
    });
    const url = await server.listen();
    process.stdout.write(`latentflow is listening on ${url}\n`);
    process.stdout.write(`API docs: ${url.replace(/\/(\?|$)/, '/api/docs$1')}\n`);
    if (server.token && !process.env.LATENTFLOW_TOKEN) process.stdout.write('(a new access token was generated: set LATENTFLOW_TOKEN to choose one)\n');
    if (values.insecure && values.host !== '127.0.0.1') process.stdout.write('warning: --insecure: anyone who can reach this address can use the server\n');

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    process.stdout.write(`${signal}: shutting down\n`);
    await server.close();
    return EXIT.ok;
  },
});
