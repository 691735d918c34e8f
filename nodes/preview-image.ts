import { defineNode, output, socket } from '../runtime/index.ts';
import { batchItem } from './lib/image.ts';
import { encodePng } from './lib/png.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch } from './lib/sd-types.ts';


export default defineNode({
  type: 'PreviewImage',
  displayName: 'Preview Image',
  category: 'image',
  description:
    'Shows images without saving them: each image of the batch is sent as a PNG preview event (the editor shows it on the node; ' +
    'the CLI reports it). Nothing is written to the output folder.',
  output: true,
  inputs: {
    image: socket<ImageBatch>(SD_TYPES.image),
  },
  outputs: {
    images: output<{ width: number; height: number }[]>('PREVIEWED_IMAGES', 'Sizes of the previewed images'),
  },
  async execute({ image }, ctx) {
    const images: { width: number; height: number }[] = [];
    for (let b = 0; b < image.batch; b++) {
      const png = encodePng(batchItem(image, b));
      ctx.preview({ kind: 'image', mime: 'image/png', data: png, width: image.width, height: image.height });
      images.push({ width: image.width, height: image.height });
    }
    return { images };
  },
});
