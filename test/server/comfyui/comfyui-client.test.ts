import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@stable-canvas/comfyui-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodePng, readPngText } from '../../../nodes/lib/png.ts';
import { silentLogger } from '../../../runtime/index.ts';
import { createServer, type LatentflowServer } from '../../../server/index.ts';
import { centreColour, cornerColour } from '../../support/shape-colours.ts';
import { tempDir } from '../helpers.ts';

const REPO_DATA = path.resolve(import.meta.dirname, '../../../data');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../compat/comfyui/fixtures', name), 'utf8'));

describe('a published ComfyUI client (@stable-canvas/comfyui-client) against latentflow on shapes-tiny', () => {
  let server: LatentflowServer;
  let client: Client;
  let host: string;

  beforeAll(async () => {
    const dataDir = tempDir('comfy-client');
    fs.symlinkSync(path.join(REPO_DATA, 'models'), path.join(dataDir, 'models'));
    server = await createServer({ dataDir, port: 0, pluginsDir: tempDir('no-plugins'), logger: silentLogger, cacheSize: 0, editorDir: path.join(tempDir('no-editor'), 'dist') });
    host = new URL(await server.listen()).host;
    client = new Client({ api_host: host, WebSocket, fetch });
    await client.connect();
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it('lists the shapes-tiny checkpoint and ComfyUI\'s sampler and scheduler names', async () => {
    expect(await client.getSDModels()).toContain('shapes-tiny');
    expect(await client.getSamplers()).toEqual(expect.arrayContaining(['euler', 'euler_ancestral', 'dpmpp_2m']));
    expect(await client.getSchedulers()).toEqual(expect.arrayContaining(['normal', 'karras']));
  });

  it('queues a txt2img API workflow, follows its progress over the WebSocket, and the fetched image shows the prompt', async () => {
    const prompt = fixture('txt2img-api.json');
    const progress: { value: number; max: number }[] = [];
    const uiWorkflow = { nodes: [], links: [], note: 'embedded as ComfyUI does' };
    const result = await client.enqueue(prompt, { workflow: uiWorkflow, progress: (step: { value: number; max: number }) => progress.push(step) });

    expect(progress.length).toBeGreaterThanOrEqual(20);
    expect(progress.filter((step) => step.max === 20).map((step) => step.value)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const urls = result.images.filter((image) => image.type === 'url').map((image) => image.data as string);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toContain('/view?');
    const previews = result.images.filter((image) => image.type === 'buff');
    expect(previews.length).toBeGreaterThan(0);

    const png = Buffer.from(await (await fetch(urls[0])).arrayBuffer());
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([64, 64]);
    expect(centreColour(image)).toBe('red');
    expect(cornerColour(image)).toBe('blue');
    const text = readPngText(png);
    expect(JSON.parse(text.prompt)).toEqual(prompt);
    expect(JSON.parse(text.workflow)).toEqual(uiWorkflow);

    const history = await client.getHistory();
    const entry = history.History.find((item) => item.prompt[1] === result.prompt_id);
    expect(entry?.status?.status_str).toBe('success');
    const run = server.context.runs.get(result.prompt_id);
    expect(run.status).toBe('finished');
    expect(run.projectId).toBe('default');
  }, 120_000);

  it('the same seed twice gives identical image bytes (computed twice: this server caches nothing), another seed others', async () => {
    const prompt = fixture('txt2img-api.json');
    const pixels = async (seed: number) => {
      prompt['3'].inputs.seed = seed;
      const result = await client.enqueue(prompt);
      const url = result.images.find((image) => image.type === 'url')?.data as string;
      return Buffer.from(decodePng(Buffer.from(await (await fetch(url)).arrayBuffer())).data);
    };
    const [first, again, other] = [await pixels(11), await pixels(11), await pixels(12)];
    expect(again.equals(first)).toBe(true);
    expect(other.equals(first)).toBe(false);
  }, 120_000);

  it('a prompt with an unmapped class is refused with a ComfyUI-shaped 400 naming the node', async () => {
    const prompt = fixture('txt2img-api.json');
    prompt['10'] = { class_type: 'StyleModelLoader', inputs: { style_model_name: 'x' } };
    prompt['9'].inputs.images = ['10', 0];
    await expect(client.queuePrompt(0, { prompt, workflow: {} })).rejects.toThrow();
    const response = await fetch(`http://${host}/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt }) });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.node_errors['10'].class_type).toBe('StyleModelLoader');
    expect(body.node_errors['10'].errors[0].type).toBe('comfy_unmapped_class');
  });
});
