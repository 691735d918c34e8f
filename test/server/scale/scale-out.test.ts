import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { redisMissing, startRedis, type TestRedis } from '../../support/redis-server.ts';
import { waitFor } from '../helpers.ts';
import { connect, subscribe, type Received } from '../live-client.ts';
import { startOrchestrator, startWorker, txt2imgRun, type WorkerProcess } from './cluster.ts';

if (redisMissing) console.warn(`Skipping the scale-out tests: ${redisMissing}`);
const describeWithRedis = redisMissing ? describe.skip : describe;

/** Short, so a killed worker's run moves on quickly; long enough that a busy 2-core machine never loses a live worker's lock. */
const LOCK_MS = 3000;

describeWithRedis('scale-out: one server hands runs to worker processes through BullMQ on a real Redis', () => {
  let redis: TestRedis;
  let server: LatentflowServer;
  let live: { socket: import('ws').WebSocket; received: Received };
  const workers: WorkerProcess[] = [];

  const queue = async (body: object) => server.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload: body });
  const queueRun = async (body: object) => {
    const response = await queue(body);
    expect(response.statusCode, response.body).toBe(202);
    return response.json().id as string;
  };
  const run = (runId: string) => server.context.runs.get(runId);
  const finished = (runIds: string[], timeoutMs = 60_000) =>
    waitFor(() => (runIds.every((id) => ['finished', 'failed', 'cancelled'].includes(run(id).status)) ? true : undefined), timeoutMs);
  const listedWorkers = async () => (await server.app.inject({ url: '/api/workers' })).json() as { mode: string; workers: { name: string; runs: { runId: string }[] }[] };
  const addWorker = async (name: string) => {
    const worker = await startWorker(redis.url, name, LOCK_MS);
    workers.push(worker);
    await waitFor(async () => ((await listedWorkers()).workers.some((listed) => listed.name === name) ? true : undefined));
    return worker;
  };

  beforeAll(async () => {
    redis = await startRedis();
    server = await startOrchestrator(redis.url);
    const address = server.app.server.address() as { port: number };
    live = await connect(`ws://127.0.0.1:${address.port}/api/ws`);
    await subscribe(live, { previews: true });
  });

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    live?.socket.close();
    await server?.close();
    await redis?.stop();
  });

  it('refuses a run at once with no_worker_available while no live worker could take it', async () => {
    const response = await queue(txt2imgRun(1));
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('no_worker_available');
    expect(await listedWorkers()).toEqual({ mode: 'redis', workers: [] });
  });

  it('a worker process runs a queued run; the server records it, stores its image and relays its events', async () => {
    await addWorker('w1');
    const runId = await queueRun(txt2imgRun(7));
    await finished([runId]);
    const record = run(runId);
    expect(record.status, JSON.stringify(record.error)).toBe('finished');
    expect(record.attempts).toEqual([{ attempt: 1, worker: 'w1', startedAt: expect.any(String) }]);
    expect(record.outputs.images).toHaveLength(1);
    const image = await server.app.inject({ url: record.outputs.images[0].url });
    expect(image.statusCode).toBe(200);
    expect(image.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const events = live.received.json.filter((event) => event.runId === runId).map((event) => event.type);
    expect(events[0]).toBe('run_queued');
    expect(events).toContain('node_progress');
    expect(events.at(-1)).toBe('run_finished');
    expect(events.filter((type) => type === 'run_finished')).toHaveLength(1);
    expect(live.received.binary.some((frame) => frame.header.runId === runId)).toBe(true);
  });
});
