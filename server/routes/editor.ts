import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const MISSING_EDITOR_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>latentflow</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>latentflow</h1>
<p>The editor has not been built yet. Run <code>npm run build:editor</code> (or start with <code>npm start</code>, which builds it), then reload this page.</p>
<p>The API is running: see <a href="/api/docs">/api/docs</a>.</p>
</body></html>
`;

/** Serves the built editor at `/`, or a page that says how to build it. */
export function editorRoutes(editorDir: string) {
  return async function registerEditorRoutes(app: FastifyInstance): Promise<void> {
    if (fs.existsSync(editorDir)) {
      await app.register(fastifyStatic, { root: editorDir, index: 'index.html', wildcard: true });
      return;
    }
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(MISSING_EDITOR_PAGE));
  };
}
