import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { redisMissing, startRedis, type TestRedis } from '../../support/redis-server.ts';
import { waitFor } from '../helpers.ts';
import { connect, subscribe, type Received } from '../live-client.ts';
import { startOrchestrator, startWorker, txt2imgRun, type WorkerProcess } from './cluster.ts';

if (redisMissing) console.warn(`Skipping the scale-out tests: ${redisMissing}`);
const describeWithRedis = redisMissing ? describe.skip : describe;

/** Short, so a killed worker's run moves on quickly; long enough that a busy 2-core machine never loses a live worker's lock. */
const LOCK_MS = 4000;
/** Generous: CI's machine is small, and this one is shared. */
const SLOW_TEST_MS = 300_000;

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
  }, SLOW_TEST_MS);

  it('refuses a run at once with no_worker_available while no live worker could take it', async () => {
    const response = await queue(txt2imgRun(1));
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('no_worker_available');
    expect(await listedWorkers()).toEqual({ mode: 'redis', workers: [] });
  }, SLOW_TEST_MS);

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
    await waitFor(() => (live.received.json.some((event) => event.runId === runId && event.type === 'run_finished') ? true : undefined));
    const events = live.received.json.filter((event) => event.runId === runId).map((event) => event.type);
    expect(events[0]).toBe('run_queued');
    expect(events).toContain('node_progress');
    expect(events.at(-1)).toBe('run_finished');
    expect(events.filter((type) => type === 'run_finished')).toHaveLength(1);
    expect(live.received.binary.some((frame) => frame.header.runId === runId)).toBe(true);
  }, SLOW_TEST_MS);

  it('60 runs through 3 workers all finish exactly once, each with its own image; throughput is measured against one worker', async () => {
    const timed = async (count: number, firstSeed: number) => {
      const started = performance.now();
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await queueRun(txt2imgRun(firstSeed + i)));
      await finished(ids, 120_000);
      return { ids, ms: performance.now() - started };
    };
    const alone = await timed(12, 100);
    await Promise.all([addWorker('w2'), addWorker('w3')]);
    await timed(6, 200); // the new workers open their sessions
    const together = await timed(60, 1000);

    const ratio = 60 / together.ms / (12 / alone.ms);
    console.info(`scale-out throughput: 1 worker ${(alone.ms / 12).toFixed(0)} ms/run, 3 workers ${(together.ms / 60).toFixed(0)} ms/run: ${ratio.toFixed(2)}x`);
    // Three CPU workers on a 2-core machine share its cores, so this cannot show 3x (bench/scale-out.ts holds the 2.5x target
    // for machines with a device per worker); it guards against workers blocking one another.
    expect(ratio).toBeGreaterThan(0.6);

    const records = together.ids.map(run);
    expect(records.map((record) => record.status)).toEqual(Array(60).fill('finished'));
    // One attempt each: no live worker lost its lock during a run (inference is off its main thread).
    expect(records.every((record) => record.attempts?.length === 1)).toBe(true);
    expect(new Set(records.map((record) => record.attempts?.[0].worker))).toEqual(new Set(['w1', 'w2', 'w3']));
    const filenames = records.map((record) => record.outputs.images.map((image) => image.filename)).flat();
    expect(new Set(filenames).size).toBe(60);
    await waitFor(() => (live.received.json.filter((event) => event.type === 'run_finished' && together.ids.includes(event.runId as string)).length >= 60 ? true : undefined));
    const finishedEvents = live.received.json.filter((event) => event.type === 'run_finished' && together.ids.includes(event.runId as string));
    expect(finishedEvents).toHaveLength(60);
    const stored = fs.readdirSync(server.context.folders.outputs('default')).filter((name) => name.endsWith('.png'));
    expect(stored).toHaveLength(1 + 12 + 6 + 60);
    const origins = server.context.images.origins('default');
    expect(filenames.every((name) => together.ids.includes(origins.get(name)?.runId as string))).toBe(true);
  }, SLOW_TEST_MS);

  it('kill -9 of a worker mid-run loses nothing: another worker finishes the run within the lock time and its image is stored once', async () => {
    const runId = await queueRun(txt2imgRun(4242, 80));
    const taker = await waitFor(() => {
      const stepping = live.received.json.some((event) => event.runId === runId && event.type === 'node_progress' && event.nodeId === 'unet');
      return stepping ? run(runId).attempts?.[0]?.worker : undefined;
    }, 30_000);
    const victim = workers.find((worker) => worker.name === taker) as WorkerProcess;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    await finished([runId]);

    const record = run(runId);
    expect(record.status, JSON.stringify(record.error)).toBe('finished');
    expect(record.attempts?.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expect(record.attempts?.[0].worker).toBe(taker);
    expect(record.attempts?.[1].worker).not.toBe(taker);
    expect(Date.parse(record.attempts?.[1].startedAt as string) - killedAt).toBeLessThan(3 * LOCK_MS);
    expect(record.outputs.images).toHaveLength(1);
    const origins = [...server.context.images.origins('default').values()].filter((origin) => origin.runId === runId);
    expect(origins).toHaveLength(1);
    await waitFor(() => (live.received.json.some((event) => event.runId === runId && event.type === 'run_finished') ? true : undefined));
    expect(live.received.json.filter((event) => event.runId === runId && event.type === 'run_finished')).toHaveLength(1);
    await waitFor(async () => ((await listedWorkers()).workers.some((listed) => listed.name === taker) ? undefined : true));
  }, SLOW_TEST_MS);

  it('while Redis is away new runs get queue_unavailable and history stays readable; queued runs go on when it returns', async () => {
    const before = await Promise.all([1, 2, 3, 4].map((i) => queueRun(txt2imgRun(5000 + i, 30))));
    await waitFor(() => (run(before[0]).status === 'running' ? true : undefined), 30_000);
    await redis.kill();
    await waitFor(async () => ((await queue(txt2imgRun(1))).statusCode === 503 ? true : undefined));
    const refused = await queue(txt2imgRun(1));
    expect(refused.json().code).toBe('queue_unavailable');
    const history = await server.app.inject({ url: '/api/projects/default/runs?limit=5' });
    expect(history.statusCode).toBe(200);
    expect(history.json()).toHaveLength(5);

    await redis.restart();
    await finished(before, 90_000);
    expect(before.map((id) => run(id).status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    const after = await queueRun(txt2imgRun(6000));
    await finished([after]);
    expect(run(after).status).toBe('finished');
    for (const id of [...before, after]) {
      await waitFor(() => (live.received.json.some((event) => event.runId === id && event.type === 'run_finished') ? true : undefined));
      expect(live.received.json.filter((event) => event.runId === id && event.type === 'run_finished')).toHaveLength(1);
    }
  }, SLOW_TEST_MS);

  it('a server restart loses nothing: runs queued before it finish once, recorded by the new server', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => queueRun(txt2imgRun(8000 + i, 10))));
    const { dataDir } = server.context;
    live.socket.close();
    await server.close();
    server = await startOrchestrator(redis.url, dataDir);
    live = await connect(`ws://127.0.0.1:${(server.app.server.address() as { port: number }).port}/api/ws`);
    await subscribe(live, { previews: true });
    await finished(ids, 120_000);
    expect(ids.map((id) => run(id).status)).toEqual(Array(5).fill('finished'));
    const origins = [...server.context.images.origins('default').values()];
    for (const id of ids) {
      expect(run(id).outputs.images).toHaveLength(1);
      expect(origins.filter((origin) => origin.runId === id)).toHaveLength(1);
    }
  }, SLOW_TEST_MS);

  it('cancelling stops a run on its worker, and a queued run before any worker starts it', async () => {
    const busy = await Promise.all([1, 2].map((i) => queueRun(txt2imgRun(9000 + i, 1000))));
    const waiting = await queueRun(txt2imgRun(9100, 1000));
    await waitFor(() => (busy.every((id) => run(id).status === 'running') ? true : undefined), 60_000);
    const cancelledQueued = await server.app.inject({ method: 'POST', url: `/api/runs/${waiting}/cancel` });
    expect(cancelledQueued.json().status).toBe('cancelled');
    for (const id of busy) expect((await server.app.inject({ method: 'POST', url: `/api/runs/${id}/cancel` })).statusCode).toBe(200);
    await finished(busy);
    expect(busy.map((id) => run(id).status)).toEqual(['cancelled', 'cancelled']);
    expect(run(waiting).attempts).toBeUndefined();
  }, SLOW_TEST_MS);

  it('SIGTERM lets a worker finish the run it has, hand it in and leave the worker list', async () => {
    const remaining = workers.filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null);
    for (const worker of remaining.slice(1)) worker.child.kill('SIGTERM');
    const last = remaining[0];
    const runId = await queueRun(txt2imgRun(7000, 40));
    await waitFor(() => (run(runId).status === 'running' ? true : undefined), 30_000);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
    const record = run(runId);
    expect(record.status).toBe('finished');
    expect(record.attempts).toHaveLength(1);
    await waitFor(async () => ((await listedWorkers()).workers.length === 0 ? true : undefined));
    expect((await queue(txt2imgRun(1))).json().code).toBe('no_worker_available');
  }, SLOW_TEST_MS);
});
