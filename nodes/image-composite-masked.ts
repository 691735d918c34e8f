import { boolean, defineNode, int, output, socket } from '../runtime/index.ts';
import { compositeImages } from './lib/image-composite.ts';
import { scaleImage } from './lib/scale.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Mask } from './lib/sd-types.ts';

const corner = (axis: string) => int({ default: 0, min: 0, max: MAX_IMAGE_SIDE * 4, description: `Where the source's ${axis} edge lands on the destination.` });

export default defineNode({
  type: 'ImageCompositeMasked',
  displayName: 'Image Composite Masked',
  category: 'image',
  description:
    'Lays `source` over `destination` with its top-left corner at (x, y), as ComfyUI\'s ImageCompositeMasked: where the mask ' +
    '(resized to the source) is 1 the source shows, where 0 the destination, blended in between; no mask pastes the whole source. ' +
    '`resize_source` first stretches the source (bilinear) to the destination\'s size. Pastes an inpainted result back onto the original.',
  inputs: {
    destination: socket<ImageBatch>(SD_TYPES.image),
    source: socket<ImageBatch>(SD_TYPES.image),
    x: corner('left'),
    y: corner('top'),
    resize_source: boolean({ default: false, description: 'Stretch the source to the destination\'s size first.' }),
    mask: socket<Mask>(SD_TYPES.mask, { optional: true, description: 'Where the source shows (1) and the destination stays (0).' }),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
  },
  async execute({ destination, source, x, y, resize_source, mask }) {
    const placed = resize_source ? scaleImage(source, destination.width, destination.height, 'bilinear', 'disabled') : source;
    return { image: compositeImages(destination, placed, x, y, mask) };
  },
});
