import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../runtime/index.ts';
import { createServer, type LatentflowServer } from '../server/index.ts';
import { redisMissing, startRedis } from '../test/support/redis-server.ts';
import type { Figure, Unavailable } from './figures.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TXT2IMG = JSON.parse(readFileSync(join(ROOT, 'workflows/txt2img.json'), 'utf8')) as unknown;
const WORKERS = 3;
const RUNS_PER_WORKER = 10;

function startWorker(redisUrl: string, name: string, work: string): Promise<ChildProcess> {
  const args = ['--import', 'tsx', 'cli/main.ts', 'worker', '--redis', redisUrl, '--name', name, '--data', 'data', '--work', join(work, name), '--threads', '1'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => data.toString().includes('is taking runs') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before taking runs`)));
  });
}

/** Queues `count` shapes-tiny txt2img runs (20 steps, each its own seed) and resolves with the wall time until all finished. */
async function timedRuns(server: LatentflowServer, count: number, firstSeed: number): Promise<number> {
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload = { workflow: TXT2IMG, overrides: { 'model.model': 'shapes-tiny', 'unet.seed': firstSeed + i } };
    const response = await server.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload });
    if (response.statusCode !== 202) throw new Error(`queueing a run failed: ${response.body}`);
    ids.push(response.json().id);
  }
  for (;;) {
    const statuses = ids.map((id) => server.context.runs.get(id).status);
    if (statuses.some((status) => status === 'failed' || status === 'cancelled')) throw new Error('a scale-out bench run did not finish');
    if (statuses.every((status) => status === 'finished')) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Throughput of WORKERS worker processes against one, through a real Redis and an orchestrating server. */
export async function scaleOutFigures(): Promise<{ figures: Figure[]; unavailable: Unavailable[] }> {
  const label = `Scale-out: throughput of ${WORKERS} workers vs 1 (serve --redis, shapes-tiny txt2img)`;
  if (redisMissing) return { figures: [], unavailable: [{ id: 'scale_out.throughput', label, reason: redisMissing }] };
  const work = mkdtempSync(join(tmpdir(), 'latentflow-bench-scale-'));
  const redis = await startRedis();
  const workers: ChildProcess[] = [];
  const server = await createServer({ dataDir: join(work, 'server'), redis: redis.url, port: 0, pluginsDir: join(work, 'plugins'), editorDir: join(work, 'dist'), logger: silentLogger });
  try {
    workers.push(await startWorker(redis.url, 'bench-1', work));
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the server's worker list refreshes every second
    await timedRuns(server, 1, 0);
    const alone = await timedRuns(server, RUNS_PER_WORKER, 100);
    for (let i = 2; i <= WORKERS; i++) workers.push(await startWorker(redis.url, `bench-${i}`, work));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await timedRuns(server, WORKERS, 200);
    const together = await timedRuns(server, RUNS_PER_WORKER * WORKERS, 1000);
    const ratio = (RUNS_PER_WORKER * WORKERS) / together / (RUNS_PER_WORKER / alone);
    return {
      figures: [{
        id: 'scale_out.throughput', label, value: ratio, unit: 'x',
        target: { kind: 'min', limit: 2.5, text: '≥ 2.5x with 3 workers' },
        note: `${(alone / RUNS_PER_WORKER).toFixed(0)} ms/run with 1 worker, ${(together / (RUNS_PER_WORKER * WORKERS)).toFixed(0)} ms/run with ${WORKERS}, all on this machine, `
          + 'each worker with one ORT thread per network; the target needs a core (or device) per worker: 3 workers on 2 cores share them',
      }],
      unavailable: [],
    };
  } finally {
    for (const worker of workers) worker.kill('SIGKILL');
    await server.close();
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
