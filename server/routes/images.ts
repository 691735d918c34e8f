import fs from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { imageNotFound, imageTooLarge, invalidImage, unsupportedMediaType, uploadNameTaken } from '../errors.ts';
import { checkImageDecodes, ImageDecodeError } from '../../nodes/lib/image-decoder.ts';
import { locateImage } from '../../nodes/lib/input-image.ts';
import { createFileAtomic } from '../files/atomic-write.ts';
import { readImageHeader, type ImageMime } from '../files/image-header.ts';
import { assertFileName, resolveNamedFile } from '../files/safe-path.ts';
import { imageUrl } from '../run-outputs.ts';
import { errorResponses, ProjectParams } from '../schemas/common.ts';
import { ImageEntrySchema, ImageParams, UploadedSchema, UploadQuery } from '../schemas/images.ts';

const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const MAX_IMAGE_SIDE = 8192;

const tags = ['images'];
const MIME_BY_EXTENSION: Record<string, ImageMime> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };
const EXTENSION_BY_MIME: Record<ImageMime, string> = { 'image/png': '.png', 'image/jpeg': '.jpg' };
const ImageBytes = {
  description: 'The image file',
  content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
};

/**
 * The file name (without extension) to store an upload under. A name that tries to leave the folder is refused;
 * other characters a file name should not have (spaces, brackets, ...) become `_`, so "My cat (1).png" is "My_cat_1_".
 */
function uploadBaseName(name: string | undefined): string {
  if (name === undefined) return `upload_${Date.now()}`;
  if (/[/\\]|\.\./.test(name) || name.startsWith('.')) assertFileName('upload name', name);
  const base = name.replace(/\.(png|jpe?g)$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 100);
  assertFileName('upload name', base);
  return base;
}

const MAX_FOLDER_DEPTH = 8;

/** The images in `dir` and its sub-folders (as SaveImage's "portraits/cat" prefix makes), named relative to it; symlinks and dot-folders are skipped. */
async function listImageFiles(dir: string, prefix = '', depth = 0): Promise<{ filename: string; file: string }[]> {
  const found: { filename: string; file: string }[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && depth < MAX_FOLDER_DEPTH) {
      found.push(...(await listImageFiles(file, `${prefix}${entry.name}/`, depth + 1)));
    } else if (entry.isFile() && path.extname(entry.name).toLowerCase() in MIME_BY_EXTENSION) {
      found.push({ filename: `${prefix}${entry.name}`, file });
    }
  }
  return found;
}

/** Stores `bytes` under `wanted` (or a numbered variant: an upload never replaces a file) in `dir`. */
async function storeUpload(dir: string, wanted: string, extension: string, bytes: Buffer): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 1000; attempt++) {
    const filename = attempt === 0 ? `${wanted}${extension}` : `${wanted}_${attempt}${extension}`;
    if (await createFileAtomic(await resolveNamedFile(dir, filename, 'upload name'), bytes)) return filename;
  }
  throw uploadNameTaken(wanted);
}

/** Refuses a decompression bomb by its header, then decodes the whole image off the event loop: LoadImage will be able to read it. */
async function decodesCompletely(bytes: Buffer): Promise<void> {
  try {
    await checkImageDecodes(bytes);
  } catch (error) {
    if (error instanceof ImageDecodeError && error.reason === 'too_large') throw imageTooLarge(`The image is refused: ${error.message}`);
    throw invalidImage(`The image does not decode: ${(error as Error).message}`);
  }
}

/** Output images of a project, and image uploads into its input folder (what LoadImage reads). */
export function imageRoutes(ctx: ServerContext) {
  return async function registerImageRoutes(app: FastifyInstance): Promise<void> {
    app.addContentTypeParser(['image/png', 'image/jpeg'], { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));

    app.get<{ Params: Static<typeof ProjectParams> }>(
      '/projects/:projectId/images',
      { schema: { tags, summary: 'The images a project\'s runs wrote, newest first', params: ProjectParams, response: { 200: Type.Array(ImageEntrySchema), ...errorResponses(404) } } },
      async (request) => {
        const { id: projectId } = ctx.projects.get(request.params.projectId);
        const dir = ctx.folders.outputs(projectId);
        const origins = ctx.images.origins(projectId);
        const entries = [];
        for (const { filename, file } of await listImageFiles(dir)) {
          const origin = origins.get(filename);
          const createdAt = origin?.createdAt ?? (await fs.stat(file)).mtimeMs;
          entries.push({
            filename,
            url: imageUrl(projectId, filename),
            ...(origin?.runId ? { runId: origin.runId } : {}),
            ...(origin?.nodeId ? { nodeId: origin.nodeId } : {}),
            createdAt,
          });
        }
        entries.sort((a, b) => b.createdAt - a.createdAt || b.filename.localeCompare(a.filename));
        return entries.map((entry) => ({ ...entry, createdAt: new Date(entry.createdAt).toISOString() }));
      },
    );

    app.get<{ Params: Static<typeof ImageParams> }>(
      '/projects/:projectId/images/*',
      {
        schema: {
          tags,
          summary: 'One output image, by its file name (which may have sub-folders: images/portraits/cat_00001.png)',
          params: ImageParams,
          response: { 200: ImageBytes, ...errorResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const { id: projectId } = ctx.projects.get(request.params.projectId);
        const filename = request.params['*'];
        const mime = MIME_BY_EXTENSION[path.extname(filename).toLowerCase()];
        const file = await resolveNamedFile(ctx.folders.outputs(projectId), filename, 'image name', { subfolders: true });
        if (!mime) throw imageNotFound(filename);
        const bytes = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'ENOENT' || error.code === 'EISDIR' || error.code === 'ENOTDIR' ? imageNotFound(filename) : error;
        });
        return reply.type(mime).send(bytes);
      },
    );

    app.post<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof UploadQuery> }>(
      '/projects/:projectId/uploads',
      {
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          tags,
          summary: `Upload a PNG or JPEG (raw body, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB) into the project's input folder`,
          params: ProjectParams,
          querystring: UploadQuery,
          response: { 201: UploadedSchema, ...errorResponses(400, 404, 409, 413, 415) },
        },
      },
      async (request, reply) => {
        const { id: projectId } = ctx.projects.get(request.params.projectId);
        const mime = request.headers['content-type']?.split(';')[0].trim().toLowerCase() as ImageMime;
        if (!Buffer.isBuffer(request.body) || !(mime in EXTENSION_BY_MIME)) {
          throw unsupportedMediaType('Upload the raw image with Content-Type image/png or image/jpeg');
        }
        const header = readImageHeader(request.body, mime);
        if (header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) {
          throw imageTooLarge(`The image is ${header.width}x${header.height}; at most ${MAX_IMAGE_SIDE} pixels on a side`);
        }
        await decodesCompletely(request.body);
        const wanted = uploadBaseName(request.query.name);
        const filename = await storeUpload(ctx.folders.inputs(projectId), wanted, EXTENSION_BY_MIME[mime], request.body);
        return reply.status(201).send({ filename, width: header.width, height: header.height, mime });
      },
    );

    app.get<{ Params: Static<typeof ImageParams> }>(
      '/projects/:projectId/uploads/*',
      {
        schema: {
          tags,
          summary: 'An image LoadImage can read by that name: an upload of the project, else a shipped example image (workflows/assets/)',
          params: ImageParams,
          response: { 200: ImageBytes, ...errorResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const { id: projectId } = ctx.projects.get(request.params.projectId);
        const name = request.params['*'];
        const mime = MIME_BY_EXTENSION[path.extname(name).toLowerCase()];
        if (!mime) throw imageNotFound(name);
        const found = await locateImage(name, ctx.folders.inputs(projectId));
        const bytes = await fs.readFile(found.path).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'EISDIR' ? imageNotFound(name) : error;
        });
        return reply.type(mime).send(bytes);
      },
    );
  };
}
