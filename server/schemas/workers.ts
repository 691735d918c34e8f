import { Type } from '@sinclair/typebox';
import { IsoTime } from './common.ts';

export const WorkerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  host: Type.String(),
  backends: Type.Array(Type.String()),
  models: Type.Array(Type.Object({ name: Type.String(), hash: Type.String({ description: 'sha256 of the model\'s files' }) })),
  pool: Type.String({ description: 'Workers with the same backends and models share a queue' }),
  concurrency: Type.Integer(),
  runs: Type.Array(Type.Object({ runId: Type.String(), projectId: Type.String(), startedAt: IsoTime }), { description: 'What it is running now' }),
  startedAt: IsoTime,
});

export const WorkersSchema = Type.Object({
  mode: Type.Union([Type.Literal('embedded'), Type.Literal('redis')], {
    description: 'embedded: runs execute in the server process; redis: `latentflow worker` processes take them (serve --redis)',
  }),
  workers: Type.Array(WorkerSchema),
});
