import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canny, grayFromRgb } from '../../../models/image/canny.ts';
import type { GrayImage } from '../../../models/image/canny.ts';
import { imageFromPixels } from '../../../nodes/lib/image.ts';
import { decodePng } from '../../../nodes/lib/png.ts';

/** Written once by tools/reference/canny_opencv.py: seeded test images and cv2.Canny's edge maps of them. */
const FIXTURES = path.join(import.meta.dirname, '../../fixtures/canny');
const { cases } = JSON.parse(readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8')) as {
  cases: { image: string; low: number; high: number; edges: string; edge_pixels: number }[];
};

const readPng = (name: string) => decodePng(readFileSync(path.join(FIXTURES, name)));

function readGray(name: string): GrayImage {
  const rgb = imageFromPixels(readPng(name));
  return grayFromRgb(rgb.data, rgb.width, rgb.height);
}

/** Edge pixels of `a` with no edge pixel of `b` at most one pixel away (cv2 blurs the 8-bit image, we blur floats). */
function unmatched(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!a[y * width + x]) continue;
      let near = false;
      for (let dy = -1; dy <= 1 && !near; dy++) {
        for (let dx = -1; dx <= 1 && !near; dx++) {
          const nx = x + dx, ny = y + dy;
          near = nx >= 0 && ny >= 0 && nx < width && ny < height && b[ny * width + nx] === 1;
        }
      }
      if (!near) count++;
    }
  }
  return count;
}

describe('canny', () => {
  it.each(cases)('matches cv2.Canny on $image at thresholds $low and $high within a few edge pixels', ({ image, low, high, edges: edgeFile, edge_pixels }) => {
    const gray = readGray(image);
    const reference = Uint8Array.from(readPng(edgeFile).data, (v) => (v > 127 ? 1 : 0));
    const edges = canny(gray, { low, high });
    const found = edges.reduce((a, b) => a + b, 0);
    const missed = unmatched(reference, edges, gray.width, gray.height);
    const extra = unmatched(edges, reference, gray.width, gray.height);
    expect(reference.reduce((a, b) => a + b, 0)).toBe(edge_pixels);
    expect(Math.abs(found - edge_pixels)).toBeLessThanOrEqual(Math.max(4, edge_pixels * 0.03));
    expect(missed).toBeLessThanOrEqual(8);
    expect(extra).toBeLessThanOrEqual(8);
  });

  it('finds no edge in a flat image', () => {
    const flat: GrayImage = { width: 16, height: 16, data: new Float32Array(256).fill(0.5) };
    expect(canny(flat, { low: 0.01, high: 0.02 }).every((v) => v === 0)).toBe(true);
  });

  it('draws a vertical step as one line one pixel wide', () => {
    const width = 20, height = 10;
    const data = new Float32Array(width * height).map((_, p) => (p % width < 10 ? 0 : 1));
    const edges = canny({ width, height, data }, { low: 0.4, high: 0.8 });
    for (let y = 0; y < height; y++) {
      const row = Array.from(edges.subarray(y * width, (y + 1) * width));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      expect([9, 10]).toContain(row.indexOf(1));
    }
  });

  it('keeps a weak edge only where it joins a strong one (hysteresis)', () => {
    // A step whose contrast fades from 1 (left) to 0.15 (right): below `high` on the right but connected.
    const width = 40, height = 40;
    const data = new Float32Array(width * height).map((_, p) => (Math.floor(p / width) < 20 ? 0 : 1 - 0.85 * ((p % width) / (width - 1))));
    const connected = canny({ width, height, data }, { low: 0.2, high: 0.9 });
    const isolated: GrayImage = { width, height, data: new Float32Array(width * height).map((_, p) => (Math.floor(p / width) < 20 ? 0 : 0.15)) };
    const edgeAt = (edges: Uint8Array, x: number) => edges[19 * width + x] + edges[20 * width + x];
    expect(edgeAt(connected, 35)).toBe(1);
    expect(canny(isolated, { low: 0.2, high: 0.9 }).every((v) => v === 0)).toBe(true);
  });

  it('takes its gray from BT.601 luma', () => {
    const gray = grayFromRgb(Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]), 3, 1);
    expect(Array.from(gray.data, (v) => Math.round(v * 1000))).toEqual([299, 587, 114]);
  });
});
