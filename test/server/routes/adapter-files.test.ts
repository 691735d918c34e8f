import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { startTestServer } from '../helpers.ts';

let server: LatentflowServer;
afterEach(() => server?.close());

describe('LoRA and embedding lists', () => {
  it('GET /api/adapters lists the files of data/loras/ and data/embeddings/ by name', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-adapters-'));
    fs.mkdirSync(path.join(dataDir, 'loras'));
    fs.mkdirSync(path.join(dataDir, 'embeddings'));
    fs.writeFileSync(path.join(dataDir, 'loras', 'style.safetensors'), Buffer.alloc(10));
    fs.writeFileSync(path.join(dataDir, 'loras', 'notes.txt'), 'not a LoRA');
    fs.writeFileSync(path.join(dataDir, 'embeddings', 'bad-hands.pt'), Buffer.alloc(3));
    server = await startTestServer({ dataDir });
    expect((await server.app.inject({ url: '/api/adapters' })).json()).toEqual({
      loras: [{ name: 'style', file: 'style.safetensors', bytes: 10 }],
      embeddings: [{ name: 'bad-hands', file: 'bad-hands.pt', bytes: 3 }],
    });
  });

  it('answers an empty list when the folders do not exist', async () => {
    server = await startTestServer({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'lf-adapters-')) });
    expect((await server.app.inject({ url: '/api/adapters' })).json()).toEqual({ loras: [], embeddings: [] });
  });
});
