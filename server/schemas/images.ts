import { Type } from '@sinclair/typebox';
import { IsoTime } from './common.ts';

export const ImageEntrySchema = Type.Object({
  filename: Type.String(),
  url: Type.String(),
  runId: Type.Optional(Type.String()),
  nodeId: Type.Optional(Type.String()),
  createdAt: IsoTime,
});

export const ImageParams = Type.Object({
  projectId: Type.String({ minLength: 1, maxLength: 64 }),
  '*': Type.String({ minLength: 1, maxLength: 1024, description: 'The file name, with its sub-folders if any' }),
});

export const UploadQuery = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Wanted file name; the extension follows the content' })),
});

export const UploadedSchema = Type.Object({
  filename: Type.String({ description: 'The name LoadImage reads it by (image input)' }),
  width: Type.Integer(),
  height: Type.Integer(),
  mime: Type.String(),
});
