import { defineNode, float, output, socket } from '../runtime/index.ts';
import { canny, grayFromRgb } from '../models/image/canny.ts';
import { batchItem } from './lib/image.ts';
import { cannyThresholdsInverted } from './lib/errors.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch } from './lib/sd-types.ts';

const threshold = (fallback: number, description: string) => float({ default: fallback, min: 0.01, max: 0.99, step: 0.01, description });

export default defineNode({
  type: 'Canny',
  displayName: 'Canny',
  category: 'image/preprocessors',
  description:
    'Finds the edges of every image (Canny: 5x5 Gaussian blur, Sobel gradients, non-maximum suppression, hysteresis) and gives ' +
    'them as white lines on black, the control image a Canny ControlNet expects. Thresholds are on the gradient of the [0, 1] ' +
    'gray image, as in ComfyUI; OpenCV takes the same values times 255.',
  inputs: {
    image: socket<ImageBatch>(SD_TYPES.image),
    low_threshold: threshold(0.4, 'Edges weaker than this are dropped; up to high_threshold they stay only where they join a strong edge.'),
    high_threshold: threshold(0.8, 'Edges stronger than this are always kept.'),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image, 'The edge maps: white (255) on edges, black elsewhere.'),
  },
  async execute({ image, low_threshold, high_threshold }) {
    if (low_threshold > high_threshold) throw cannyThresholdsInverted(low_threshold, high_threshold);
    const { width, height } = image;
    const data = new Uint8Array(image.data.length);
    for (let b = 0; b < image.batch; b++) {
      const edges = canny(grayFromRgb(batchItem(image, b).data, width, height), { low: low_threshold, high: high_threshold });
      const base = b * width * height * 3;
      edges.forEach((edge, p) => edge && data.fill(255, base + p * 3, base + p * 3 + 3));
    }
    return { image: { width, height, batch: image.batch, data } };
  },
});
