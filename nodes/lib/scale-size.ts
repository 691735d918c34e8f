import { scaledSizeTooLarge } from './errors.ts';

/**
 * The target size of a resize given as width/height, where 0 keeps the aspect ratio from the other
 * side (both 0 keeps the size), rounded to a multiple of `multiple`.
 */
export function targetSize(width: number, height: number, sourceWidth: number, sourceHeight: number, multiple: number): { width: number; height: number } {
  const round = (v: number) => Math.max(multiple, Math.round(v / multiple) * multiple);
  if (width === 0 && height === 0) return { width: sourceWidth, height: sourceHeight };
  if (width === 0) return { width: round((sourceWidth * height) / sourceHeight), height };
  if (height === 0) return { width, height: round((sourceHeight * width) / sourceWidth) };
  return { width, height };
}

/** The size `scale_by` gives, rounded to a multiple of `multiple`; fails beyond `max` a side. */
export function scaledSize(sourceWidth: number, sourceHeight: number, scale: number, multiple: number, max: number): { width: number; height: number } {
  const round = (v: number) => Math.max(multiple, Math.round((v * scale) / multiple) * multiple);
  const size = { width: round(sourceWidth), height: round(sourceHeight) };
  if (size.width > max || size.height > max) {
    throw scaledSizeTooLarge(sourceWidth, sourceHeight, scale, size, max);
  }
  return size;
}
