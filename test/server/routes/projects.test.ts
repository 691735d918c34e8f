import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { startTestServer, stepsWorkflow, waitFor } from '../helpers.ts';

let server: LatentflowServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  server.app.inject({ method, url, ...(payload ? { payload } : {}) });

describe('projects', () => {
  it('a default project exists from the first start, with the shipped workflows', async () => {
    const list = (await inject('GET', '/api/projects')).json();
    expect(list).toEqual([expect.objectContaining({ id: 'default', hardware: 'cpu' })]);
    const workflows = (await inject('GET', '/api/projects/default/workflows')).json();
    expect(workflows.map((w: { name: string }) => w.name)).toEqual(['add']);
  });

  it('creates a project choosing hardware, with copies of the shipped workflows and its own folders', async () => {
    const response = await inject('POST', '/api/projects', { name: 'Cats', description: 'cat pictures', hardware: 'cpu' });
    expect(response.statusCode).toBe(201);
    const project = response.json();
    expect(project).toMatchObject({ name: 'Cats', description: 'cat pictures', hardware: 'cpu' });
    expect(Date.parse(project.createdAt)).toBeGreaterThan(0);
    const root = path.join(server.context.dataDir, 'projects', project.id);
    for (const folder of ['workflows', 'inputs', 'outputs']) expect(fs.existsSync(path.join(root, folder))).toBe(true);
    expect((await inject('GET', `/api/projects/${project.id}/workflows/add`)).json().nodes.sum.type).toBe('TestAdd');
    expect((await inject('GET', `/api/projects/${project.id}`)).json()).toEqual(project);
    expect((await inject('GET', '/api/projects')).json()).toHaveLength(2);
  });

  it('defaults hardware to cpu', async () => {
    expect((await inject('POST', '/api/projects', { name: 'Plain' })).json().hardware).toBe('cpu');
  });

  it('refuses a duplicate name (case-insensitive) with 409 duplicate_project_name', async () => {
    await inject('POST', '/api/projects', { name: 'Dogs' });
    const response = await inject('POST', '/api/projects', { name: 'dogs' });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('duplicate_project_name');
  });

  it('refuses hardware this machine does not know (unknown_backend) or cannot use (backend_unavailable)', async () => {
    const unknown = await inject('POST', '/api/projects', { name: 'X', hardware: 'tpu' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'unknown_backend', message: expect.stringContaining('cpu, cuda') });
    const unavailable = await inject('POST', '/api/projects', { name: 'Y', hardware: 'cuda' });
    expect(unavailable.statusCode).toBe(400);
    expect(unavailable.json()).toMatchObject({ code: 'backend_unavailable', message: expect.stringContaining('no NVIDIA driver') });
  });

  it('refuses malformed bodies with invalid_request', async () => {
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'ok', extra: 1 }, { name: 5 }]) {
      const response = await inject('POST', '/api/projects', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('invalid_request');
    }
  });

  it('updates name, description and hardware, with the same checks', async () => {
    const { id } = (await inject('POST', '/api/projects', { name: 'Old' })).json();
    await inject('POST', '/api/projects', { name: 'Taken' });
    const updated = await inject('PATCH', `/api/projects/${id}`, { name: 'New', description: 'd' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id, name: 'New', description: 'd' });
    expect((await inject('PATCH', `/api/projects/${id}`, { name: 'Taken' })).json().code).toBe('duplicate_project_name');
    expect((await inject('PATCH', `/api/projects/${id}`, { hardware: 'cuda' })).json().code).toBe('backend_unavailable');
    expect((await inject('PATCH', `/api/projects/${id}`, {})).statusCode).toBe(400);
    expect((await inject('PATCH', '/api/projects/nope', { name: 'Z' })).json().code).toBe('project_not_found');
  });

  it('answers 404 project_not_found for an unknown project', async () => {
    const response = await inject('GET', '/api/projects/nope');
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('project_not_found');
  });

  it('deletes a project with its runs, workflows and images', async () => {
    const { id } = (await inject('POST', '/api/projects', { name: 'Doomed' })).json();
    const run = (await inject('POST', `/api/projects/${id}/runs`, { workflow: stepsWorkflow() })).json();
    await waitFor(async () => ((await inject('GET', `/api/runs/${run.id}`)).json().status === 'finished' ? true : undefined));
    const root = path.join(server.context.dataDir, 'projects', id);
    expect(fs.readdirSync(path.join(root, 'outputs'))).toHaveLength(1);

    expect((await inject('DELETE', `/api/projects/${id}`)).statusCode).toBe(204);
    expect(fs.existsSync(root)).toBe(false);
    expect((await inject('GET', `/api/runs/${run.id}`)).json().code).toBe('run_not_found');
    expect((await inject('GET', `/api/projects/${id}`)).statusCode).toBe(404);
    expect((await inject('DELETE', `/api/projects/${id}`)).json().code).toBe('project_not_found');
  });

  it('deleting a project stops its running run first', async () => {
    const { id } = (await inject('POST', '/api/projects', { name: 'Busy' })).json();
    const run = (await inject('POST', `/api/projects/${id}/runs`, { workflow: stepsWorkflow(3, 1000, 20) })).json();
    await waitFor(async () => ((await inject('GET', `/api/runs/${run.id}`)).json().status === 'running' ? true : undefined));
    expect((await inject('DELETE', `/api/projects/${id}`)).statusCode).toBe(204);
    expect(server.context.queue.counts()).toEqual({ running: 0, queued: 0 });
  });

  it('refuses to delete the default project', async () => {
    const response = await inject('DELETE', '/api/projects/default');
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('project_protected');
  });
});
