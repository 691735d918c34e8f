import { statSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { EMBEDDING_DIR, listAdapterFiles, LORA_DIR } from '../../models/adapters/files.ts';
import type { ServerContext } from '../context.ts';

const AdapterFileSchema = Type.Object({
  name: Type.String({ description: 'What LoraLoader\'s lora_name or a prompt\'s embedding:name calls it' }),
  file: Type.String(),
  bytes: Type.Integer(),
});

/** The LoRAs in data/loras/ and the textual-inversion embeddings in data/embeddings/, for pickers. */
export function adapterFileRoutes(ctx: ServerContext) {
  const list = (folder: typeof LORA_DIR | typeof EMBEDDING_DIR) => listAdapterFiles(ctx.dataDir, folder)
    .map(({ name, file, path }) => ({ name, file, bytes: statSync(path).size }));
  return async function registerAdapterFileRoutes(app: FastifyInstance): Promise<void> {
    app.get('/loras', { schema: { tags: ['models'], summary: 'LoRA files in data/loras/', response: { 200: Type.Array(AdapterFileSchema) } } }, async () => list(LORA_DIR));
    app.get('/embeddings', { schema: { tags: ['models'], summary: 'Embedding files in data/embeddings/', response: { 200: Type.Array(AdapterFileSchema) } } }, async () => list(EMBEDDING_DIR));
  };
}
