import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../../../runtime/index.ts';
import { createServer, type LatentflowServer } from '../../../server/index.ts';
import { NO_SESSIONS, TEST_HARDWARE, tempDir } from '../helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TXT2IMG = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows/txt2img.json'), 'utf8')) as unknown;

/** An orchestrating server in this process: built-in nodes, but no ONNX sessions, so every run must go to a worker. */
export async function startOrchestrator(redisUrl: string, dataDir = tempDir('scale-server')): Promise<LatentflowServer> {
  const server = await createServer({
    dataDir,
    redis: redisUrl,
    port: 0,
    pluginsDir: tempDir('plugins'),
    editorDir: path.join(tempDir('no-editor'), 'dist'),
    sessions: NO_SESSIONS,
    hardware: TEST_HARDWARE,
    logger: silentLogger,
  });
  await server.listen();
  return server;
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * `latentflow worker` as its own process, on the repository's data folder (shapes-tiny), one ORT thread per
 * network (three workers share two cores); resolves once it takes runs.
 */
export function startWorker(redisUrl: string, name: string, lockMs: number): Promise<WorkerProcess> {
  const args = ['--import', 'tsx', 'cli/main.ts', 'worker', '--redis', redisUrl, '--name', name, '--data', 'data', '--work', tempDir(`work-${name}`), '--lock-ms', String(lockMs), '--threads', '1'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('is taking runs')) resolve({ name, child, output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    void exited.then((code) => reject(new Error(`worker ${name} exited (${code}) before taking runs:\n${output}`)));
  });
}

/** txt2img on shapes-tiny with a few steps; each seed makes a different image (so nothing comes from a cache). */
export function txt2imgRun(seed: number, steps = 2, model = 'shapes-tiny') {
  return { workflow: TXT2IMG, overrides: { 'model.model': model, 'schedule.steps': steps, 'unet.seed': seed } };
}
