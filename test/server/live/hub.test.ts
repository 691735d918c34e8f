import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { startTestServer, stepsWorkflow, waitFor } from '../helpers.ts';
import { connect, refusedStatus, subscribe } from '../live-client.ts';

let server: LatentflowServer;
let base: string;
beforeAll(async () => {
  server = await startTestServer({ port: 0 });
  base = (await server.listen()).replace(/^http/, 'ws').replace(/\/$/, '');
});
afterAll(() => server.close());

async function runSteps(projectId = 'default', steps = 3): Promise<string> {
  const response = await fetch(`${base.replace(/^ws/, 'http')}/api/projects/${projectId}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: stepsWorkflow(7, steps, 5) }),
  });
  const { id } = (await response.json()) as { id: string };
  await waitFor(() => (server.context.runs.get(id).status === 'finished' ? true : undefined));
  return id;
}

describe('GET /api/ws', () => {
  it('streams the run lifecycle as JSON and a preview image per step to a client that asked for previews', async () => {
    const client = await connect(`${base}/api/ws`);
    await subscribe(client, { projectId: 'default', previews: true, latents: false });
    const runId = await runSteps('default', 3);
    await waitFor(() => (client.received.json.some((m) => m.type === 'run_finished') ? true : undefined));

    const types = client.received.json.filter((m) => m.runId === runId).map((m) => m.type);
    expect(types[0]).toBe('run_queued');
    expect(types).toEqual(expect.arrayContaining(['run_started', 'node_started', 'node_progress', 'node_finished', 'run_finished']));
    expect(types).not.toContain('node_preview');
    const progress = client.received.json.filter((m) => m.type === 'node_progress');
    expect(progress.map((m) => m.value)).toEqual([1, 2, 3]);
    expect(client.received.json.every((m) => m.type === 'subscribed' || m.projectId === 'default')).toBe(true);

    expect(client.received.binary.map((frame) => frame.header)).toEqual(
      [0, 1, 2].map((step) => ({ runId, nodeId: 'steps', step, kind: 'image', mime: 'image/png', width: 4, height: 2 })),
    );
    expect(client.received.binary[0].payload.subarray(1, 4).toString('latin1')).toBe('PNG');
    client.socket.close();
  });

  it('sends raw latents only to clients that asked for them, and nothing to clients of other projects', async () => {
    const latents = await connect(`${base}/api/ws`);
    await subscribe(latents, { latents: true });
    const nothing = await connect(`${base}/api/ws`);
    await subscribe(nothing, { previews: false, latents: false });
    const other = await connect(`${base}/api/ws`);
    await subscribe(other, { projectId: 'another', previews: true, latents: true });
    const silent = await connect(`${base}/api/ws`);

    const runId = await runSteps('default', 2);
    await waitFor(() => (latents.received.json.some((m) => m.type === 'run_finished' && m.runId === runId) ? true : undefined));
    await waitFor(() => (nothing.received.json.some((m) => m.type === 'run_finished' && m.runId === runId) ? true : undefined));

    expect(latents.received.binary.map((frame) => frame.header)).toEqual(
      [0, 1].map((step) => ({ runId, nodeId: 'steps', step, kind: 'latent', shape: [1, 1, 2, 2] })),
    );
    const second = latents.received.binary[1].payload;
    expect([0, 1, 2, 3].map((i) => second.readFloatLE(i * 4))).toEqual([1, -1, 0.5, 7]);
    expect(nothing.received.binary).toEqual([]);
    expect(other.received.json.filter((m) => m.type !== 'subscribed')).toEqual([]);
    expect(other.received.binary).toEqual([]);
    expect(silent.received.json).toEqual([]);
    for (const client of [latents, nothing, other, silent]) client.socket.close();
  });

  it('filters by run id', async () => {
    const client = await connect(`${base}/api/ws`);
    await subscribe(client, { runId: 'some-other-run', previews: true });
    await runSteps('default', 1);
    expect(client.received.json.map((m) => m.type)).toEqual(['subscribed']);
    client.socket.close();
  });

  it('answers a message it does not understand with bad_message', async () => {
    const client = await connect(`${base}/api/ws`);
    client.socket.send('not json');
    await subscribe(client, { type: 'subscribe', projectId: 42 });
    expect(client.received.json.map((m) => m.code)).toEqual(['bad_message', 'bad_message']);
    client.socket.close();
  });

  it('refuses an upgrade from a foreign Origin or for a foreign Host', async () => {
    expect(await refusedStatus(`${base}/api/ws`, { origin: 'http://evil.example' })).toBe(403);
    expect(await refusedStatus(`${base}/api/ws`, { origin: 'null' })).toBe(403);
    expect(await refusedStatus(`${base}/api/ws`, { host: 'evil.example' })).toBe(403);
    const own = await connect(`${base}/api/ws`, { origin: base.replace(/^ws/, 'http') });
    own.socket.close();
  });
});

describe('GET /api/ws beyond loopback', () => {
  it('needs the token: refused without it, accepted with ?token=', async () => {
    const exposed = await startTestServer({ host: '0.0.0.0', port: 0, token: 'tok' });
    const url = new URL(await exposed.listen());
    const ws = `ws://127.0.0.1:${url.port}/api/ws`;
    try {
      expect(await refusedStatus(ws)).toBe(401);
      const client = await connect(`${ws}?token=tok`);
      await subscribe(client, {});
      expect(client.received.json[0].type).toBe('subscribed');
      client.socket.close();
    } finally {
      await exposed.close();
    }
  });
});
