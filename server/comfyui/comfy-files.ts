import fs from 'node:fs/promises';
import path from 'node:path';
import type { ServerContext } from '../context.ts';
import { CompatError } from '../compat-errors.ts';
import { invalidName, ServerError } from '../errors.ts';
import { createFileAtomic, writeFileAtomic } from '../files/atomic-write.ts';
import { readImageHeader, type ImageMime } from '../files/image-header.ts';
import { assertFileName, resolveNamedFile } from '../files/safe-path.ts';
import { COMFY_PROJECT_ID } from './comfy-runs.ts';
import { decodePixelsInBackground, ImageDecodeError } from '../../nodes/lib/image-decoder.ts';
import { encodePng } from '../../nodes/lib/png.ts';

const MIME_BY_EXTENSION: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

export const comfyTempDir = (ctx: ServerContext) => path.join(ctx.dataDir, 'comfyui-temp');

/** ComfyUI's folder types: output (SaveImage), input (uploads, LoadImage), temp (PreviewImage). */
function folderOf(ctx: ServerContext, type: string): string {
  if (type === 'output') return ctx.folders.outputs(COMFY_PROJECT_ID);
  if (type === 'input') return ctx.folders.inputs(COMFY_PROJECT_ID);
  if (type === 'temp') return comfyTempDir(ctx);
  throw new CompatError('comfy_bad_folder_type', `type "${type}" must be output, input or temp`);
}

/** A ComfyUI subfolder ("a/b") as checked plain names: no "..", no separators inside a name, at most 8 deep. */
function subfolderParts(subfolder: string | undefined): string[] {
  const parts = (subfolder ?? '').split('/').filter((segment) => segment !== '');
  if (subfolder?.startsWith('/')) throw invalidName('subfolder', subfolder, 'a subfolder is relative to its folder (no leading "/")');
  if (parts.length > 8) throw invalidName('subfolder', subfolder ?? '', 'at most 8 folders deep');
  for (const part of parts) assertFileName('subfolder', part);
  return parts;
}

/** GET /view: a file by ComfyUI's filename, subfolder and type; nothing outside those folders. */
export async function viewFile(ctx: ServerContext, query: { filename: string; subfolder?: string; type?: string }): Promise<{ mime: string; bytes: Buffer }> {
  const dir = path.join(folderOf(ctx, query.type || 'output'), ...subfolderParts(query.subfolder));
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

export interface Upload {
  name: string;
  bytes: Buffer;
  mime: ImageMime;
  overwrite: boolean;
  /** Where in the folder of `type` it goes ("" for the folder itself). */
  subfolder: string;
  type: string;
  /** /upload/mask: the image whose alpha the mask replaces, as ComfyUI's `{filename, subfolder, type}` JSON. */
  originalRef?: string;
}

/** The image of a multipart/form-data upload (field `image`, with `overwrite`, `subfolder`, `type`, `original_ref`), read by the platform's own form parser. */
export async function readUploadForm(body: Buffer, contentType: string): Promise<Upload> {
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
  const text = (field: string) => (typeof form.get(field) === 'string' ? (form.get(field) as string) : undefined);
  const originalRef = text('original_ref');
  return {
    name, bytes, mime,
    overwrite: form.get('overwrite') === 'true' || form.get('overwrite') === '1',
    subfolder: text('subfolder') ?? '',
    type: text('type') || 'input',
    ...(originalRef === undefined ? {} : { originalRef }),
  };
}

/**
 * /upload/mask as ComfyUI does it: the original image (`original_ref`) with its alpha replaced by the mask's alpha
 * (opaque where the mask has none), stored as a PNG under the mask's name. Sizes must match.
 */
export async function maskedOriginal(ctx: ServerContext, upload: Upload): Promise<Upload> {
  if (upload.originalRef === undefined) throw malformed('A mask upload needs original_ref, the {filename, subfolder, type} of the image it masks');
  let ref: { filename?: unknown; subfolder?: unknown; type?: unknown };
  try {
    ref = JSON.parse(upload.originalRef) as typeof ref;
  } catch {
    throw malformed('original_ref is not JSON');
  }
  if (typeof ref?.filename !== 'string' || ref.filename === '') throw malformed('original_ref needs a filename');
  const original = await viewFile(ctx, { filename: ref.filename, subfolder: typeof ref.subfolder === 'string' ? ref.subfolder : '', type: typeof ref.type === 'string' ? ref.type : 'input' });
  const decode = async (bytes: Uint8Array, what: string) => {
    try {
      return await decodePixelsInBackground(bytes);
    } catch (cause) {
      if (cause instanceof ImageDecodeError) throw malformed(`${what} cannot be decoded: ${cause.message}`);
      throw cause;
    }
  };
  const [image, mask] = [await decode(original.bytes, `original_ref "${ref.filename}"`), await decode(upload.bytes, 'The mask')];
  if (image.width !== mask.width || image.height !== mask.height) {
    throw malformed(`The mask is ${mask.width}x${mask.height} but the original "${ref.filename}" is ${image.width}x${image.height}`);
  }
  const pixels = image.width * image.height;
  const data = new Uint8Array(pixels * 4);
  const colourChannels = image.channels >= 3 ? 3 : 1;
  const maskAlpha = mask.channels === 2 || mask.channels === 4;
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) data[i * 4 + c] = image.data[i * image.channels + (colourChannels === 3 ? c : 0)];
    data[i * 4 + 3] = maskAlpha ? mask.data[i * mask.channels + mask.channels - 1] : 255;
  }
  return { ...upload, bytes: Buffer.from(encodePng({ width: image.width, height: image.height, channels: 4, data })), mime: 'image/png' };
}

/**
 * Stores an upload under its (cleaned) name in `subfolder` of its type's folder (input unless it says temp or output),
 * never outside it; an existing file gets a numbered name unless `overwrite`. Answers ComfyUI's {name, subfolder, type}.
 */
export async function storeUpload(ctx: ServerContext, upload: Upload): Promise<{ name: string; subfolder: string; type: string }> {
  const parts = subfolderParts(upload.subfolder);
  const root = folderOf(ctx, upload.type);
  const extension = upload.mime === 'image/png' ? '.png' : '.jpg';
  const base = path.basename(upload.name).replace(/\.(png|jpe?g)$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 100) || 'upload';
  assertFileName('upload name', `${base}${extension}`);
  const at = (filename: string) => resolveNamedFile(root, [...parts, filename].join('/'), 'upload name', { subfolders: true });
  const stored = (name: string) => ({ name, subfolder: parts.join('/'), type: upload.type });
  // Made once the name is known to stay inside: a link planted in the folder gets no folders made through it.
  await fs.mkdir(path.dirname(await at(`${base}${extension}`)), { recursive: true });
  if (upload.overwrite) {
    await writeFileAtomic(await at(`${base}${extension}`), upload.bytes);
    return stored(`${base}${extension}`);
  }
  for (let attempt = 0; attempt < 1000; attempt++) {
    const filename = attempt === 0 ? `${base}${extension}` : `${base}_${attempt}${extension}`;
    if (await createFileAtomic(await at(filename), upload.bytes)) return stored(filename);
  }
  throw new ServerError('upload_name_taken', `Too many uploads named "${base}"; choose another name`);
}
