import type { MaskBitmap } from './masked-image.ts';

export type Tool = 'brush' | 'eraser';
export interface Point { x: number; y: number }

/** The overlay colour of painted pixels; only the alpha channel is the mask. */
const MASK_COLOUR = 'rgb(255, 48, 96)';

function prepare(context: CanvasRenderingContext2D, size: number, tool: Tool): void {
  context.globalCompositeOperation = tool === 'brush' ? 'source-over' : 'destination-out';
  context.fillStyle = context.strokeStyle = MASK_COLOUR;
  context.lineWidth = size;
  context.lineCap = context.lineJoin = 'round';
}

/** One round dab of `size` pixels across at `at`: painting adds it to the mask, erasing removes it. */
export function dab(context: CanvasRenderingContext2D, at: Point, size: number, tool: Tool): void {
  prepare(context, size, tool);
  context.beginPath();
  context.arc(at.x, at.y, size / 2, 0, 2 * Math.PI);
  context.fill();
}

/** A stroke segment from `from` to `to`, as wide as the brush, with round ends. */
export function stroke(context: CanvasRenderingContext2D, from: Point, to: Point, size: number, tool: Tool): void {
  prepare(context, size, tool);
  context.beginPath();
  context.moveTo(from.x, from.y);
  context.lineTo(to.x, to.y);
  context.stroke();
}

/** The mask the canvas holds: its alpha channel. */
export function readMask(context: CanvasRenderingContext2D): MaskBitmap {
  const { width, height } = context.canvas;
  const pixels = context.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = pixels[i * 4 + 3];
  return { width, height, data };
}

/** Puts `mask` on the canvas in the overlay colour, replacing what was there. */
export function writeMask(context: CanvasRenderingContext2D, mask: MaskBitmap): void {
  const pixels = context.createImageData(mask.width, mask.height);
  for (let i = 0; i < mask.data.length; i++) {
    pixels.data[i * 4] = 255;
    pixels.data[i * 4 + 1] = 48;
    pixels.data[i * 4 + 2] = 96;
    pixels.data[i * 4 + 3] = mask.data[i];
  }
  context.putImageData(pixels, 0, 0);
}

/** A brush a tenth of the image's shorter side, at least one pixel. */
export const defaultBrushSize = (width: number, height: number) => Math.max(1, Math.round(Math.min(width, height) / 10));
