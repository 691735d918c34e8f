import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../training/npy.ts';
import { generateExamples } from '../../training/shapes-dataset.ts';
import { renderScene } from '../../training/shapes-render.ts';
import type { Scene } from '../../training/shapes-scenes.ts';
import { COLOUR_NAMES, COLOURS, nearestColour } from '../../training/shapes-vocabulary.ts';

const pixel = (image: Uint8Array, x: number, y: number) => Array.from(image.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));

describe('shapes dataset', () => {
  it('gives the same examples for the same seed and different ones for another seed', () => {
    expect(generateExamples(30, 5)).toEqual(generateExamples(30, 5));
    expect(generateExamples(30, 6)).not.toEqual(generateExamples(30, 5));
  });

  it('never paints a shape in the background colour, and every caption names each shape with its colour', () => {
    for (const { scene, captions } of generateExamples(300, 1)) {
      expect(captions).toHaveLength(4);
      for (const shape of scene.shapes) {
        expect(shape.colour).not.toBe(scene.background);
        for (const caption of captions) expect(caption).toContain(`${shape.colour} ${shape.shape}`);
      }
      expect(captions[0]).toContain(scene.background);
    }
  });

  it('draws every shape kind, colour, size and position, and pairs of shapes', () => {
    const scenes = generateExamples(500, 2).map((example) => example.scene);
    const shapes = scenes.flatMap((scene) => scene.shapes);
    expect(new Set(shapes.map((s) => s.shape))).toEqual(new Set(['circle', 'square', 'triangle']));
    expect(new Set(shapes.map((s) => s.colour))).toEqual(new Set(COLOUR_NAMES));
    expect(new Set(shapes.map((s) => s.size))).toEqual(new Set(['small', 'medium', 'large']));
    expect(new Set(shapes.map((s) => s.position))).toEqual(new Set(['centre', 'left', 'right', 'top', 'bottom']));
    expect(scenes.some((scene) => scene.shapes.length === 2)).toBe(true);
  });

  it('renders the shape colour inside the shape and the background outside it', () => {
    const scene: Scene = {
      background: 'blue',
      shapes: [{ shape: 'triangle', colour: 'orange', size: 'medium', position: 'centre', x: 32, y: 32, radius: 14 }],
    };
    const image = renderScene(scene);
    expect(pixel(image, 32, 38)).toEqual([...COLOURS.orange]);
    expect(pixel(image, 20, 20)).toEqual([...COLOURS.blue]);
    expect(pixel(image, 0, 63)).toEqual([...COLOURS.blue]);
  });

  it('names each palette colour as itself, and a dark red as red', () => {
    for (const name of COLOUR_NAMES) expect(nearestColour(COLOURS[name])).toBe(name);
    expect(nearestColour([150, 20, 30])).toBe('red');
  });

  it('writes NPY files whose header is padded to 64 bytes and describes the array', () => {
    const npy = encodeNpy(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const headerLength = new DataView(npy.buffer).getUint16(8, true);
    expect(Buffer.from(npy.subarray(1, 6)).toString('latin1')).toBe('NUMPY');
    expect((10 + headerLength) % 64).toBe(0);
    expect(Buffer.from(npy.subarray(10, 10 + headerLength)).toString('latin1')).toContain("'descr': '<i4', 'fortran_order': False, 'shape': (2, 3)");
    expect(Array.from(new Int32Array(npy.slice(10 + headerLength).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => encodeNpy(new Uint8Array(5), [2, 3])).toThrow(/holds 6 values, the data has 5/);
  });
});
