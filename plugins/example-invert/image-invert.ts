import { defineNode, float, output, socket } from 'latentflow';

/**
 * The IMAGE socket value as the built-in nodes pass it: `batch` RGB images, 8-bit, interleaved.
 * Declared here, not imported from nodes/, so the plugin depends on the runtime API only.
 */
export interface ImageBatch {
  width: number;
  height: number;
  batch: number;
  data: Uint8Array;
}

export default defineNode({
  type: 'ImageInvert',
  displayName: 'Invert Image',
  category: 'image',
  description: 'Turns images into their negatives. `amount` blends between the original (0) and the full negative (1).',
  inputs: {
    image: socket<ImageBatch>('IMAGE'),
    amount: float({ default: 1, min: 0, max: 1, step: 0.05, description: 'How far to invert: 0 keeps the image, 1 is the negative.' }),
  },
  outputs: {
    image: output<ImageBatch>('IMAGE', 'The inverted images, same size and batch'),
  },
  async execute({ image, amount }) {
    const data = new Uint8Array(image.data.length);
    for (let i = 0; i < data.length; i++) {
      const value = image.data[i];
      data[i] = Math.round(value + (255 - 2 * value) * amount);
    }
    return { image: { ...image, data } };
  },
});
