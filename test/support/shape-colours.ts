import { nearestColour, POSITIONS, type ColourName, type PositionName, type Rgb } from '../../training/shapes-vocabulary.ts';

interface Image {
  width: number;
  data: Uint8Array;
}

function meanColour(image: Image, regions: Array<[x: number, y: number, size: number]>): Rgb {
  const sum = [0, 0, 0];
  let count = 0;
  for (const [x0, y0, size] of regions) {
    for (let y = y0; y < y0 + size; y++) {
      for (let x = x0; x < x0 + size; x++) {
        const offset = (y * image.width + x) * 3;
        for (let c = 0; c < 3; c++) sum[c] += image.data[offset + c];
        count++;
      }
    }
  }
  return [sum[0] / count, sum[1] / count, sum[2] / count];
}

/** The named colour of the 12x12 centre of a 64x64 shapes-tiny image (where the shape is). */
export const centreColour = (image: Image) => nearestColour(meanColour(image, [[26, 26, 12]]));
/** The named colour of its four 8x8 corners together (the background). */
export const cornerColour = (image: Image) => nearestColour(meanColour(image, [[0, 0, 8], [56, 0, 8], [0, 56, 8], [56, 56, 8]]));

/**
 * Where a shape of `colour` lies: the named position (centre, left, right, top, bottom) nearest the centroid of
 * the pixels whose nearest named colour is `colour`, or undefined when fewer than `minPixels` are.
 */
export function placement(image: Image, colour: ColourName, minPixels = 20): PositionName | undefined {
  let sumX = 0;
  let sumY = 0;
  let count = 0;
  const height = image.data.length / (image.width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < image.width; x++) {
      const offset = (y * image.width + x) * 3;
      const rgb: Rgb = [image.data[offset], image.data[offset + 1], image.data[offset + 2]];
      if (nearestColour(rgb) !== colour) continue;
      sumX += x;
      sumY += y;
      count++;
    }
  }
  if (count < minPixels) return undefined;
  const [cx, cy] = [sumX / count, sumY / count];
  const names = Object.keys(POSITIONS) as PositionName[];
  const distance = (name: PositionName) => (POSITIONS[name][0] - cx) ** 2 + (POSITIONS[name][1] - cy) ** 2;
  return names.reduce((best, name) => (distance(name) < distance(best) ? name : best));
}
