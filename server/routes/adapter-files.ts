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

const AdaptersSchema = Type.Object({ loras: Type.Array(AdapterFileSchema), embeddings: Type.Array(AdapterFileSchema) });

/** The LoRAs in data/loras/ and the textual-inversion embeddings in data/embeddings/, for pickers. */
export function adapterFileRoutes(ctx: ServerContext) {
  const list = (folder: typeof LORA_DIR | typeof EMBEDDING_DIR) => listAdapterFiles(ctx.dataDir, folder)
    .map(({ name, file, path }) => ({ name, file, bytes: statSync(path).size }));
  return async function registerAdapterFileRoutes(app: FastifyInstance): Promise<void> {
    // Not /api/embeddings: that is ComfyUI's route (a list of names), served by the ComfyUI compatibility layer.
    app.get('/adapters', { schema: { tags: ['models'], summary: 'LoRA files in data/loras/ and embedding files in data/embeddings/', response: { 200: AdaptersSchema } } }, async () => ({
      loras: list(LORA_DIR),
      embeddings: list(EMBEDDING_DIR),
    }));
  };
}
