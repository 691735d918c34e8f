import { Type } from '@sinclair/typebox';

export const HealthSchema = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  uptimeMs: Type.Number(),
  queue: Type.Object({ running: Type.Integer(), queued: Type.Integer() }),
});

export const BackendSchema = Type.Object({
  name: Type.String(),
  available: Type.Boolean(),
  reason: Type.Optional(Type.String()),
  devices: Type.Optional(Type.Array(Type.String())),
});

export const HardwareSchema = Type.Object({
  cpu: Type.Object({ model: Type.String(), cores: Type.Integer() }),
  memoryBytes: Type.Number(),
  gpus: Type.Array(Type.Object({ name: Type.String(), memoryBytes: Type.Optional(Type.Number()) })),
  backends: Type.Array(BackendSchema),
});

export const NodeDescriptionSchema = Type.Object(
  {
    type: Type.String(),
    version: Type.Integer({ minimum: 1, description: 'Recorded per node in workflows; older ones are migrated on load' }),
    displayName: Type.String(),
    category: Type.String(),
    description: Type.String(),
    plugin: Type.String(),
    output: Type.Boolean(),
    alwaysRun: Type.Boolean(),
    inputs: Type.Array(
      Type.Object({ name: Type.String(), kind: Type.String() }, { additionalProperties: true, description: 'A socket or a widget with its constraints' }),
    ),
    outputs: Type.Array(Type.Object({ name: Type.String(), type: Type.String(), description: Type.Optional(Type.String()) })),
  },
  { description: 'A node type as the runtime registry describes it' },
);

export const PluginsSchema = Type.Object({
  loaded: Type.Array(
    Type.Object({ name: Type.String(), version: Type.String(), source: Type.String(), nodes: Type.Array(Type.String()) }),
  ),
  failed: Type.Array(Type.Object({ source: Type.String(), code: Type.String(), message: Type.String() })),
});
