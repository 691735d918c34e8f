import fs from 'node:fs/promises';
import path from 'node:path';
import type { ServerContext } from '../context.ts';
import { CompatError } from '../compat-errors.ts';
import { ServerError } from '../errors.ts';
import { createFileAtomic, writeFileAtomic } from '../files/atomic-write.ts';
import { readImageHeader, type ImageMime } from '../files/image-header.ts';
import { assertFileName, resolveNamedFile } from '../files/safe-path.ts';
import { COMFY_PROJECT_ID } from './comfy-runs.ts';

const MIME_BY_EXTENSION: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

export const comfyTempDir = (ctx: ServerContext) => path.join(ctx.dataDir, 'comfyui-temp');

/** ComfyUI's folder types: output (SaveImage), input (uploads, LoadImage), temp (PreviewImage). */
function folderOf(ctx: ServerContext, type: string): string {
  if (type === 'output') return ctx.folders.outputs(COMFY_PROJECT_ID);
  if (type === 'input') return ctx.folders.inputs(COMFY_PROJECT_ID);
  if (type === 'temp') return comfyTempDir(ctx);
  throw new CompatError('comfy_bad_folder_type', `type "${type}" must be output, input or temp`);
}

/** GET /view: a file by ComfyUI's filename, subfolder and type; nothing outside those folders. */
export async function viewFile(ctx: ServerContext, query: { filename: string; subfolder?: string; type?: string }): Promise<{ mime: string; bytes: Buffer }> {
  let dir = folderOf(ctx, query.type || 'output');
  for (const part of (query.subfolder ?? '').split('/').filter((segment) => segment !== '')) {
    assertFileName('subfolder', part);
    dir = path.join(dir, part);
  }
  const mime = MIME_BY_EXTENSION[path.extname(query.filename).toLowerCase()] ?? 'application/octet-stream';
  const notFound = () => new CompatError('comfy_file_not_found', `No file "${query.filename}" in ${query.type || 'output'}/${query.subfolder ?? ''}`);
  const file = await resolveNamedFile(dir, query.filename, 'filename').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? notFound() : error;
  });
  const bytes = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' || error.code === 'EISDIR' ? notFound() : error;
  });
  return { mime, bytes };
}

const malformed = (message: string) => new CompatError('comfy_malformed_upload', message);

/** The image of a multipart/form-data upload (field `image`), read by the platform's own form parser. */
export async function readUploadForm(body: Buffer, contentType: string): Promise<{ name: string; bytes: Buffer; mime: ImageMime; overwrite: boolean }> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch (cause) {
    throw malformed(`The upload is not valid multipart/form-data: ${(cause as Error).message}`);
  }
  const image = form.get('image');
  if (!(image instanceof Blob)) throw malformed('The form has no file field "image"');
  const bytes = Buffer.from(await image.arrayBuffer());
  const mime: ImageMime | undefined = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'image/png' : bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : undefined;
  if (!mime) throw malformed('The "image" field is neither a PNG nor a JPEG');
  try {
    readImageHeader(bytes, mime);
  } catch (cause) {
    throw malformed(`The "image" field is not a readable ${mime}: ${(cause as Error).message}`);
  }
  const name = 'name' in image && typeof image.name === 'string' && image.name !== '' ? image.name : `upload_${Date.now()}.png`;
  return { name, bytes, mime, overwrite: form.get('overwrite') === 'true' || form.get('overwrite') === '1' };
}

/** Stores an upload in the input folder under its (cleaned) name; an existing file gets a numbered name unless `overwrite`. */
export async function storeUpload(ctx: ServerContext, upload: { name: string; bytes: Buffer; mime: ImageMime; overwrite: boolean }): Promise<string> {
  const dir = ctx.folders.inputs(COMFY_PROJECT_ID);
  await fs.mkdir(dir, { recursive: true });
  const extension = upload.mime === 'image/png' ? '.png' : '.jpg';
  const base = path.basename(upload.name).replace(/\.(png|jpe?g)$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 100) || 'upload';
  assertFileName('upload name', `${base}${extension}`);
  if (upload.overwrite) {
    await writeFileAtomic(await resolveNamedFile(dir, `${base}${extension}`, 'upload name'), upload.bytes);
    return `${base}${extension}`;
  }
  for (let attempt = 0; attempt < 1000; attempt++) {
    const filename = attempt === 0 ? `${base}${extension}` : `${base}_${attempt}${extension}`;
    if (await createFileAtomic(await resolveNamedFile(dir, filename, 'upload name'), upload.bytes)) return filename;
  }
  throw new ServerError('upload_name_taken', `Too many uploads named "${base}"; choose another name`);
}
