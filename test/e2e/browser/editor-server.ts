import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { ensureTinyModels } from '../../../models/tiny.ts';
import { createStderrLogger } from '../../../runtime/index.ts';
import { createServer, type LatentflowServer } from '../../../server/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface EditorServer {
  url: string;
  server: LatentflowServer;
  close(): Promise<void>;
}

/**
 * Builds the editor for production into a temporary folder and starts a real latentflow server
 * on a random port with a fresh data folder holding the tiny models.
 */
export async function startEditorServer(): Promise<EditorServer> {
  const work = mkdtempSync(path.join(tmpdir(), 'lf-browser-'));
  const editorDir = path.join(work, 'editor');
  const dataDir = path.join(work, 'data');
  await build({ configFile: path.join(ROOT, 'editor/vite.config.ts'), logLevel: 'warn', build: { outDir: editorDir, emptyOutDir: true } });
  await ensureTinyModels(dataDir);
  const server = await createServer({ dataDir, port: 0, editorDir, pluginsDir: path.join(work, 'no-plugins'), logger: createStderrLogger('warn') });
  const url = await server.listen();
  return {
    url,
    server,
    async close() {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
