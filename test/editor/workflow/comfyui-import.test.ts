import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../../nodes/lib/png.ts';
import type { LatentflowServer } from '../../../server/index.ts';
import { workflowFromFile } from '../../../editor/src/workflow/workflow-files.ts';
import type { Workflow } from '../../../editor/src/workflow/types.ts';
import { startTestServer, tempDir } from '../../server/helpers.ts';

const fixtures = path.resolve(import.meta.dirname, '../../compat/comfyui/fixtures');
const REPO_DATA = path.resolve(import.meta.dirname, '../../../data');

describe('the editor opens ComfyUI workflows through the server\'s converter', () => {
  let server: LatentflowServer;
  /** The editor's converter call, answered by the real server route. */
  const convert = async (document: unknown): Promise<Workflow> => {
    const response = await server.app.inject({ method: 'POST', url: '/api/comfyui/import', payload: { workflow: document } as Record<string, unknown> });
    if (response.statusCode !== 200) throw new Error(response.json().message);
    return response.json().workflow;
  };

  beforeAll(async () => {
    const dataDir = tempDir('editor-import');
    fs.symlinkSync(path.join(REPO_DATA, 'models'), path.join(dataDir, 'models'));
    server = await startTestServer({ dataDir, builtinNodes: true });
  });
  afterAll(() => server.close());

  it('a dropped ComfyUI UI workflow JSON becomes a latentflow workflow with its positions', async () => {
    const file = new File([fs.readFileSync(path.join(fixtures, 'split-sampler-ui.json'))], 'split.json', { type: 'application/json' });
    const workflow = await workflowFromFile(file, convert);
    expect(workflow.version).toBe(1);
    expect(workflow.nodes['13'].type).toBe('UNetStep');
    expect(workflow.ui?.positions?.['13']).toEqual([1200, 186]);
  });

  it('a ComfyUI PNG (API prompt in its "prompt" chunk) opens too; a latentflow file never reaches the converter', async () => {
    const prompt = fs.readFileSync(path.join(fixtures, 'txt2img-api.json'), 'utf8');
    const png = encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3) }, { text: { prompt } });
    const workflow = await workflowFromFile(new File([Buffer.from(png)], 'ComfyUI_00001_.png', { type: 'image/png' }), convert);
    expect(workflow.nodes['4'].type).toBe('LoadModel');
    const ours = new File([fs.readFileSync(path.resolve(import.meta.dirname, '../../../workflows/txt2img.json'))], 'txt2img.json');
    const refuse = async () => {
      throw new Error('the converter must not be called');
    };
    expect((await workflowFromFile(ours, refuse)).nodes.unet.type).toBe('UNetStep');
  });

  it('a ComfyUI workflow that cannot convert is refused with the node named', async () => {
    const prompt = JSON.parse(fs.readFileSync(path.join(fixtures, 'txt2img-api.json'), 'utf8'));
    prompt['3'].class_type = 'SamplerCustom';
    await expect(workflowFromFile(new File([JSON.stringify(prompt)], 'bad.json'), convert)).rejects.toThrow(/Node 3: class "SamplerCustom"/);
  });
});
