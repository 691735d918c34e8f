import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { WorkflowSchema } from '../../runtime/index.ts';
import type { ServerContext } from '../context.ts';
import { HardwareSchema, HealthSchema, NodeDescriptionSchema, PluginsSchema } from '../schemas/system.ts';

/** Health, hardware, node types, plugins and the workflow JSON Schema. */
export function systemRoutes(ctx: ServerContext) {
  return async function registerSystemRoutes(app: FastifyInstance): Promise<void> {
    app.get('/health', { schema: { tags: ['system'], summary: 'Is the server up, and how busy is it', response: { 200: HealthSchema } } }, async () => ({
      ok: true,
      version: ctx.version,
      uptimeMs: Date.now() - ctx.startedAt,
      queue: ctx.queue.counts(),
    }));

    app.get('/hardware', { schema: { tags: ['system'], summary: 'CPU, memory, GPUs and the inference backends this machine has', response: { 200: HardwareSchema } } }, async () => ctx.hardware);

    app.get('/nodes', { schema: { tags: ['system'], summary: 'Every registered node type, for palettes and widgets', response: { 200: Type.Array(NodeDescriptionSchema) } } }, async () =>
      ctx.registry.describe(),
    );

    app.get('/plugins', { schema: { tags: ['system'], summary: 'Plugins that loaded, and those that failed with why', response: { 200: PluginsSchema } } }, async () => ctx.plugins);

    app.get('/schema/workflow.json', { schema: { tags: ['system'], summary: 'The JSON Schema of workflow JSON v1', response: { 200: Type.Unknown() } } }, async () => WorkflowSchema);
  };
}
