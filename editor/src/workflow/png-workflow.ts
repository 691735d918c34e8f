import { EditorError } from '../errors.ts';
import { asWorkflow, type Workflow } from './types.ts';

/** Reads the workflow that SaveImage embeds in a PNG text chunk (tEXt, zTXt or iTXt) under the key `workflow`. */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const KEY = 'workflow';
const COMFYUI_PROMPT_KEY = 'prompt';

export async function readPngTextChunks(bytes: Uint8Array): Promise<Map<string, string>> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new EditorError('png_without_workflow', 'not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const texts = new Map<string, string>();
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (data.length < length) throw new EditorError('png_without_workflow', `PNG chunk ${type} is truncated`);
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const entry = await readTextChunk(type, data);
      if (entry) texts.set(entry[0], entry[1]);
    }
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  return texts;
}

/** The JSON a PNG carries: latentflow's (or ComfyUI's UI) workflow under "workflow", else ComfyUI's API prompt under "prompt". */
export async function readPngWorkflowDocument(bytes: Uint8Array, fileName: string): Promise<unknown> {
  const texts = await readPngTextChunks(bytes);
  const key = texts.has(KEY) ? KEY : texts.has(COMFYUI_PROMPT_KEY) ? COMFYUI_PROMPT_KEY : undefined;
  if (key === undefined) throw new EditorError('png_without_workflow', `${fileName} has no "${KEY}" text chunk (was it saved by SaveImage?)`);
  try {
    return JSON.parse(texts.get(key) as string);
  } catch (cause) {
    throw new EditorError('png_without_workflow', `${fileName}: the "${key}" text chunk is not JSON`, { cause });
  }
}

export async function readPngWorkflow(bytes: Uint8Array, fileName: string): Promise<Workflow> {
  return asWorkflow(await readPngWorkflowDocument(bytes, fileName), fileName);
}


async function readTextChunk(type: string, data: Uint8Array): Promise<[string, string] | undefined> {
  const keyEnd = data.indexOf(0);
  if (keyEnd < 0) return undefined;
  const key = latin1(data.subarray(0, keyEnd));
  if (type === 'tEXt') return [key, utf8OrLatin1(data.subarray(keyEnd + 1))];
  if (type === 'zTXt') return [key, utf8OrLatin1(await inflate(data.subarray(keyEnd + 2)))];
  const compressed = data[keyEnd + 1] === 1;
  const languageEnd = data.indexOf(0, keyEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return undefined;
  const body = data.subarray(translatedEnd + 1);
  return [key, new TextDecoder().decode(compressed ? await inflate(body) : body)];
}

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function latin1(data: Uint8Array): string {
  return Array.from(data, (b) => String.fromCharCode(b)).join('');
}

function utf8OrLatin1(data: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return latin1(data);
  }
}
