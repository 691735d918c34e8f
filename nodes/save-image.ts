import { defineNode, isLatentflowError, output, socket, string } from '../runtime/index.ts';
import { filenamePrefixInvalid, outputWriteFailed } from './lib/errors.ts';
import { batchItem } from './lib/image.ts';
import { writeNumberedFile } from './lib/output-files.ts';
import { encodePng } from './lib/png.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch } from './lib/sd-types.ts';

/**
 * Text chunks a workflow asks for in `meta.pngText` (string values only), e.g. a ComfyUI prompt's `prompt` and
 * `workflow`, written the way ComfyUI writes them so that ComfyUI and latentflow both reopen the image.
 */
function extraPngText(workflow: unknown): Record<string, string> {
  const pngText = (workflow as { meta?: { pngText?: unknown } } | undefined)?.meta?.pngText;
  if (typeof pngText !== 'object' || pngText === null) return {};
  return Object.fromEntries(Object.entries(pngText).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** A written file, relative to the output folder. */
export interface SavedImage {
  filename: string;
  width: number;
  height: number;
}

export default defineNode({
  type: 'SaveImage',
  displayName: 'Save Image',
  category: 'image',
  description:
    'Writes each image of the batch as a PNG into the output folder, named <prefix>_00001.png, <prefix>_00002.png, ... ' +
    'with the next free number: existing files are never overwritten, and a file appears only once complete. ' +
    'The prefix may name a sub-folder ("portraits/cat"). The workflow that made the image is embedded as JSON in a ' +
    'PNG text chunk with key "workflow", so the image can be dropped back into the editor (a run queued through the ComfyUI API ' +
    'adds ComfyUI\'s "prompt" and "workflow" chunks instead, which the editor converts back).',
  output: true,
  inputs: {
    image: socket<ImageBatch>(SD_TYPES.image),
    filename_prefix: string({ default: 'latentflow', description: 'Start of the file names; may contain sub-folders.' }),
  },
  outputs: {
    images: output<SavedImage[]>('SAVED_IMAGES', 'The written files, relative to the output folder'),
  },
  async execute({ image, filename_prefix }, ctx) {
    const text = { workflow: JSON.stringify(ctx.env.workflow), Software: 'latentflow', ...extraPngText(ctx.env.workflow) };
    const images: SavedImage[] = [];
    for (let b = 0; b < image.batch; b++) {
      const png = encodePng(batchItem(image, b), { text });
      let filename: string;
      try {
        filename = await writeNumberedFile(ctx.env.outputDir, filename_prefix, 'png', png);
      } catch (cause) {
        // Checked before anything is written: by "..", an absolute path or a symlink out of the output folder.
        if (isLatentflowError(cause, 'path_escape')) throw filenamePrefixInvalid(filename_prefix, cause);
        throw outputWriteFailed(filename_prefix, ctx.env.outputDir, cause);
      }
      ctx.log.info(`saved ${filename}`);
      images.push({ filename, width: image.width, height: image.height });
    }
    return { images };
  },
});
