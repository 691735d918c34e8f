import { readPngTextAsync } from '../../../contract/index.ts';
import { EditorError } from '../errors.ts';
import { asWorkflow, type Workflow } from './types.ts';

/** The text chunk key SaveImage writes the workflow under (tEXt, or iTXt when it is not Latin-1). */
const KEY = 'workflow';
const COMFYUI_PROMPT_KEY = 'prompt';

/** The PNG's text chunks, read with the contract's chunk reader; zTXt and compressed iTXt inflate in the browser. */
export async function readPngTextChunks(bytes: Uint8Array): Promise<Map<string, string>> {
  try {
    return new Map(Object.entries(await readPngTextAsync(bytes, inflate)));
  } catch (cause) {
    throw new EditorError('png_without_workflow', (cause as Error).message, { cause });
  }
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

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
