import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { ProjectStore } from '../../server/store/projects.ts';
import { RunStore } from '../../server/store/runs.ts';
import { gateWorkflow, startTestServer, stepsWorkflow, tempDir, waitFor } from './helpers.ts';

const statusesIn = (dataDir: string) => {
  const db = openDatabase(dataDir);
  const rows = db.prepare('SELECT id, status FROM runs ORDER BY seq').all() as { id: string; status: string }[];
  db.close();
  return Object.fromEntries(rows.map((row) => [row.id, row.status]));
};

describe('durable run queue', () => {
  it('on shutdown the running run becomes interrupted and queued runs stay queued; the next start runs them, oldest first', async () => {
    const dataDir = tempDir('durable');
    const first = await startTestServer({ dataDir });
    const project = (await first.app.inject({ method: 'POST', url: '/api/projects', payload: { name: 'Kept' } })).json();
    const queue = async (workflow: object) =>
      (await first.app.inject({ method: 'POST', url: `/api/projects/${project.id}/runs`, payload: { workflow } })).json().id as string;
    const done = await queue(stepsWorkflow(4));
    await waitFor(() => (first.context.runs.get(done).status === 'finished' ? true : undefined));
    const running = await queue(gateWorkflow('never-opened'));
    const waitingB = await queue(stepsWorkflow(2));
    const waitingC = await queue(stepsWorkflow(3));
    await waitFor(() => (first.context.runs.get(running).status === 'running' ? true : undefined));
    await first.close();

    expect(statusesIn(dataDir)).toEqual({ [done]: 'finished', [running]: 'interrupted', [waitingB]: 'queued', [waitingC]: 'queued' });

    const second = await startTestServer({ dataDir });
    try {
      await waitFor(() => (second.context.runs.get(waitingC).status === 'finished' ? true : undefined));
      const [b, c] = [second.context.runs.get(waitingB), second.context.runs.get(waitingC)];
      expect(b.status).toBe('finished');
      expect(Date.parse(c.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(b.finishedAt as string));

      expect((await second.app.inject({ url: `/api/projects/${project.id}` })).json().name).toBe('Kept');
      const history = (await second.app.inject({ url: `/api/projects/${project.id}/runs` })).json();
      expect(history.map((run: { id: string; status: string }) => [run.id, run.status])).toEqual([
        [waitingC, 'finished'],
        [waitingB, 'finished'],
        [running, 'interrupted'],
        [done, 'finished'],
      ]);
      const kept = history[3];
      expect(kept.outputs.images).toHaveLength(1);
      expect((await second.app.inject({ url: kept.outputs.images[0].url })).statusCode).toBe(200);
      expect(history[2].finishedAt).not.toBeNull();
    } finally {
      await second.close();
    }
  });

  it('after a crash (a run left as running in the database) the run is marked interrupted and the queue resumes', async () => {
    const dataDir = tempDir('crash');
    const db = openDatabase(dataDir);
    new ProjectStore(db).create({ id: 'default', name: 'Default', hardware: 'cpu' });
    const runs = new RunStore(db);
    const crashed = runs.insert({ projectId: 'default', workflow: stepsWorkflow() });
    runs.markRunning(crashed.id);
    const queued = runs.insert({ projectId: 'default', workflow: stepsWorkflow(6) });
    db.close();

    const server = await startTestServer({ dataDir });
    try {
      const interrupted = (await server.app.inject({ url: `/api/runs/${crashed.id}` })).json();
      expect(interrupted.status).toBe('interrupted');
      expect(interrupted.finishedAt).not.toBeNull();
      await waitFor(() => (server.context.runs.get(queued.id).status === 'finished' ? true : undefined));
      expect(server.context.runs.get(queued.id).outputs.nodes.save).toEqual({ images: [{ filename: expect.any(String), width: 6, height: 1 }] });
    } finally {
      await server.close();
    }
  });

  it('a queued run cancelled before a restart is not run after it', async () => {
    const dataDir = tempDir('cancelled');
    const first = await startTestServer({ dataDir });
    const blocker = (await first.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload: { workflow: gateWorkflow('blocked') } })).json().id;
    const victim = (await first.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload: { workflow: stepsWorkflow() } })).json().id;
    await first.app.inject({ method: 'POST', url: `/api/runs/${victim}/cancel` });
    await waitFor(() => (first.context.runs.get(blocker).status === 'running' ? true : undefined));
    await first.close();
    const second = await startTestServer({ dataDir });
    try {
      expect(second.context.queue.counts()).toEqual({ running: 0, queued: 0 });
      expect(statusesIn(dataDir)).toEqual({ [blocker]: 'interrupted', [victim]: 'cancelled' });
    } finally {
      await second.close();
    }
  });
});
