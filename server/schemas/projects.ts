import { Type } from '@sinclair/typebox';
import { IsoTime } from './common.ts';

export const ProjectSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  hardware: Type.String({ description: 'The backend its runs use, one of /api/hardware backends' }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

const name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const description = Type.String({ maxLength: 2000 });
const hardware = Type.String({ minLength: 1, maxLength: 40 });

export const CreateProjectBody = Type.Object(
  { name, description: Type.Optional(description), hardware: Type.Optional(hardware) },
  { additionalProperties: false },
);

export const UpdateProjectBody = Type.Object(
  { name: Type.Optional(name), description: Type.Optional(description), hardware: Type.Optional(hardware) },
  { additionalProperties: false, minProperties: 1 },
);
