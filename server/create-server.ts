import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createSessionPool, describeHardware, type HardwareInfo, type SessionPool } from '../runtime/backends/index.ts';
import { createExecutor, createStderrLogger, type Logger, type PluginDefinition } from '../runtime/index.ts';
import { buildApp } from './app.ts';
import type { ServerContext } from './context.ts';
import { openDatabase, type Db } from './db/database.ts';
import { ProjectFolders } from './files/project-folders.ts';
import { LiveHub } from './live/hub.ts';
import { loadRegistry } from './plugins.ts';
import { ensureDefaultProject } from './project-service.ts';
import { LocalRunQueue } from './run-queue.ts';
import { createOrchestrator } from './scale/orchestrator.ts';
import { allowedHostnames, isLoopback } from './security/allowed-hosts.ts';
import { ComfyHistoryStore } from './store/comfy-history.ts';
import { ImageStore } from './store/images.ts';
import { ProjectStore } from './store/projects.ts';
import { RunStore } from './store/runs.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerOptions {
  /** Holds models, `latentflow.sqlite` and `projects/`. */
  dataDir: string;
  /** Default 127.0.0.1. Anything but loopback requires the access token unless `insecure`. */
  host?: string;
  /** Default 8188; 0 picks a free port. */
  port?: number;
  /** The access token when one is required; default LATENTFLOW_TOKEN, else a generated one. */
  token?: string;
  /** Listen beyond loopback without a token. */
  insecure?: boolean;
  /** Third-party plugins; default `./plugins`. */
  pluginsDir?: string;
  /** Extra plugins registered after the built-in nodes (tests register test-only node types here). */
  plugins?: PluginDefinition[];
  /** Register the built-in Stable Diffusion nodes (`nodes/index.ts`); default true. */
  builtinNodes?: boolean;
  /** The built editor; default `editor/dist` of this repository. */
  editorDir?: string;
  /** Workflows copied into new projects; default `workflows/` of this repository. */
  shippedWorkflowsDir?: string;
  /** Further host names this server may be addressed by (e.g. behind a reverse proxy). */
  allowedHosts?: string[];
  /** Default: a new pool, closed with the server. */
  sessions?: SessionPool;
  /** Default: describeHardware() of this machine. */
  hardware?: HardwareInfo;
  /**
   * Redis URL: hand runs to `latentflow worker` processes through BullMQ instead of running them here
   * (docs/scale-out.md). SQLite stays the record of projects, runs and images.
   */
  redis?: string;
  /** Node results the executor keeps between runs (for all projects together); default 100. */
  cacheSize?: number;
  logger?: Logger;
}

export interface LatentflowServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** The token clients must send, or undefined when none is required. */
  readonly token: string | undefined;
  /** Starts listening; resolves to the URL to open (with `?token=` when one is required). */
  listen(): Promise<string>;
  /** Stops the queue (a running run becomes interrupted; queued runs stay queued) and closes everything. */
  close(): Promise<void>;
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function requiredToken(options: Pick<ServerOptions, 'host' | 'token' | 'insecure'>): string | undefined {
  const host = options.host ?? '127.0.0.1';
  if (options.insecure || isLoopback(host)) return undefined;
  return options.token ?? process.env.LATENTFLOW_TOKEN ?? crypto.randomBytes(24).toString('base64url');
}

/** The stores, registry, executor and queue that the routes share. */
async function createContext(
  options: ServerOptions,
  shared: { db: Db; dataDir: string; sessions: SessionPool; log: Logger },
): Promise<ServerContext> {
  const { db, dataDir, sessions, log } = shared;
  const { registry, status } = await loadRegistry({
    builtinNodes: options.builtinNodes ?? true,
    plugins: options.plugins ?? [],
    pluginsDir: path.resolve(options.pluginsDir ?? 'plugins'),
    log,
  });
  const projects = new ProjectStore(db);
  const runs = new RunStore(db);
  const images = new ImageStore(db);
  const comfyHistory = new ComfyHistoryStore(db);
  const folders = new ProjectFolders(dataDir);
  const hub = new LiveHub();
  const executor = createExecutor({ registry, cacheSize: options.cacheSize, log });
  const orchestrator = options.redis === undefined ? undefined : await createOrchestrator(options.redis, { runs, projects, images, folders, hub, dataDir, log });
  return {
    dataDir,
    version: packageVersion(),
    startedAt: Date.now(),
    shippedWorkflowsDir: options.shippedWorkflowsDir ?? path.join(REPO_ROOT, 'workflows'),
    projects,
    runs,
    images,
    comfyHistory,
    folders,
    queue: orchestrator?.queue ?? new LocalRunQueue({ runs, projects, images, folders, hub, executor, sessions, dataDir, log }),
    workers: orchestrator?.workers,
    hub,
    registry,
    plugins: status,
    hardware: options.hardware ?? (await describeHardware()),
    log,
  };
}

/** Builds the whole server (database, plugins, queue, routes) without listening yet. */
export async function createServer(options: ServerOptions): Promise<LatentflowServer> {
  const log = options.logger ?? createStderrLogger('info');
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  const token = requiredToken(options);
  const db = openDatabase(dataDir);
  const sessions = options.sessions ?? createSessionPool({ logger: log });
  const closeOwned = async () => {
    if (!options.sessions) await sessions.close();
    db.close();
  };
  let context: ServerContext;
  let app: FastifyInstance;
  try {
    context = await createContext(options, { db, dataDir, sessions, log });
    await ensureDefaultProject(context);
    app = await buildApp(context, {
      guard: { allowedHosts: allowedHostnames(host, options.allowedHosts), token },
      editorDir: options.editorDir ?? path.join(REPO_ROOT, 'editor', 'dist'),
    });
  } catch (error) {
    await closeOwned();
    throw error;
  }
  const { queue, hub } = context;
  queue.start();

  return {
    app,
    context,
    token,
    async listen() {
      await app.listen({ host, port: options.port ?? 8188 });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      return `http://${shownHost}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    },
    async close() {
      await queue.stop();
      hub.closeAll();
      await app.close();
      await closeOwned();
    },
  };
}
