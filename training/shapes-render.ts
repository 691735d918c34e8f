import type { PlacedShape, Scene } from './shapes-scenes.ts';
import { COLOURS, IMAGE_SIZE, type Rgb } from './shapes-vocabulary.ts';

/** Sub-samples per pixel side: edges get 4x4 anti-aliasing. */
const SUBSAMPLES = 4;

function covers(shape: PlacedShape, px: number, py: number): boolean {
  const dx = px - shape.x;
  const dy = py - shape.y;
  const r = shape.radius;
  switch (shape.shape) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'square':
      return Math.abs(dx) <= r && Math.abs(dy) <= r;
    case 'triangle': {
      // Apex at the top centre, base along the bottom edge of the shape's box.
      if (dy < -r || dy > r) return false;
      const halfWidth = ((dy + r) / (2 * r)) * r;
      return Math.abs(dx) <= halfWidth;
    }
  }
}

/** The scene as 64x64 RGB bytes, row-major, later shapes drawn over earlier ones; `palette` gives the colours by name. */
export function renderScene(scene: Scene, palette: Readonly<Record<string, Rgb>> = COLOURS): Uint8Array {
  const pixels = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  const background = palette[scene.background];
  const total = SUBSAMPLES * SUBSAMPLES;
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const sum = [0, 0, 0];
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const px = x + (sx + 0.5) / SUBSAMPLES;
          const py = y + (sy + 0.5) / SUBSAMPLES;
          let colour: readonly number[] = background;
          for (const shape of scene.shapes) if (covers(shape, px, py)) colour = palette[shape.colour];
          sum[0] += colour[0];
          sum[1] += colour[1];
          sum[2] += colour[2];
        }
      }
      const offset = (y * IMAGE_SIZE + x) * 3;
      for (let c = 0; c < 3; c++) pixels[offset + c] = Math.round(sum[c] / total);
    }
  }
  return pixels;
}
