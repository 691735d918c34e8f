import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { startTestServer, tempDir, waitFor } from '../helpers.ts';

const REPO_DATA = path.resolve(import.meta.dirname, '../../../data');
const prompt = () => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../compat/comfyui/fixtures', 'txt2img-api.json'), 'utf8'));

/** One data folder (one SQLite file) served by a server that is closed and started again. */
describe('ComfyUI POST /history across a restart', () => {
  const dataDir = tempDir('comfy-history');
  fs.symlinkSync(path.join(REPO_DATA, 'models'), path.join(dataDir, 'models'));
  let server: LatentflowServer | undefined;
  afterAll(() => server?.close());

  const restart = async () => {
    await server?.close();
    server = await startTestServer({ dataDir, builtinNodes: true });
    return server;
  };
  const history = async () => Object.keys((await server!.app.inject({ url: '/history' })).json()).sort();
  const post = (url: string, body: unknown) => server!.app.inject({ method: 'POST', url, payload: body as Record<string, unknown> });

  it('delete and clear stay done after the server restarts, while latentflow\'s own run history keeps the runs', async () => {
    await restart();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post('/prompt', { prompt: prompt() })).json().prompt_id);
    // No ONNX sessions in this server: each run ends (failed), which ComfyUI's history lists too.
    await waitFor(async () => ((await history()).length === 3 ? true : undefined));
    expect(await history()).toEqual([...ids].sort());

    expect((await post('/history', { delete: [ids[1], 'not-a-run'] })).statusCode).toBe(200);
    expect(await history()).toEqual([ids[0], ids[2]].sort());
    await restart();
    expect(await history()).toEqual([ids[0], ids[2]].sort());
    expect((await server!.app.inject({ url: `/history/${ids[1]}` })).json()).toEqual({});

    await post('/history', { clear: true });
    await restart();
    expect(await history()).toEqual([]);
    const kept = (await server!.app.inject({ url: '/api/projects/default/runs' })).json() as { id: string }[];
    expect(kept.map((run) => run.id)).toEqual(expect.arrayContaining(ids));
  }, 60_000);
});
