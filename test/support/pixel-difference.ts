import type { Pixels } from '../../nodes/lib/png.ts';

/** Mean absolute difference per channel value (0..255) between two same-size images over the pixels `inside` picks. */
export function meanDifference(a: Pixels, b: Pixels, inside: (x: number, y: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!inside(x, y)) continue;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[(y * a.width + x) * a.channels + c] - b.data[(y * b.width + x) * b.channels + c]);
      count += 3;
    }
  }
  return sum / count;
}
