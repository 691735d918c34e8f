import { describe, expect, it } from 'vitest';
import { previewFrame } from '../../../server/live/binary-frame.ts';
import { solidPng } from '../helpers.ts';

/** Decodes by hand, following docs/websocket.md rather than the encoder. */
function decode(frame: Buffer) {
  const headerLength = frame.readUInt32LE(4);
  return {
    magic: frame.toString('latin1', 0, 4),
    header: JSON.parse(frame.toString('utf8', 8, 8 + headerLength)),
    payload: frame.subarray(8 + headerLength),
  };
}

describe('previewFrame', () => {
  it('lays out an image preview as LFB1, header length, JSON header, image bytes', () => {
    const png = solidPng(4, 2);
    const frame = previewFrame('run-1', 'unet', { kind: 'image', mime: 'image/png', data: png, width: 4, height: 2, step: 3 });
    const { magic, header, payload } = decode(frame);
    expect(magic).toBe('LFB1');
    expect(header).toEqual({ runId: 'run-1', nodeId: 'unet', step: 3, kind: 'image', mime: 'image/png', width: 4, height: 2 });
    expect(payload.equals(png)).toBe(true);
    expect(frame.length).toBe(8 + frame.readUInt32LE(4) + png.length);
  });

  it('sends a latent as raw little-endian float32 with its shape', () => {
    const latent = Float32Array.from([1.5, -2, 0, 3.25, 1e-3, 7]);
    const { header, payload } = decode(previewFrame('r', 'n', { kind: 'latent', data: latent, shape: [1, 1, 2, 3], step: 0 }));
    expect(header).toEqual({ runId: 'r', nodeId: 'n', step: 0, kind: 'latent', shape: [1, 1, 2, 3] });
    expect(payload.length).toBe(latent.length * 4);
    expect(Array.from({ length: latent.length }, (_, i) => payload.readFloatLE(i * 4))).toEqual(Array.from(latent));
  });

  it('encodes a header with non-ASCII node ids by its UTF-8 byte length', () => {
    const { header } = decode(previewFrame('r', 'größe→', { kind: 'latent', data: new Float32Array(1), shape: [1] }));
    expect(header.nodeId).toBe('größe→');
    expect(header.step).toBeNull();
  });

  it('copies only the viewed part of a subarray', () => {
    const whole = Float32Array.from([9, 1, 2, 9]);
    const { payload } = decode(previewFrame('r', 'n', { kind: 'latent', data: whole.subarray(1, 3), shape: [2] }));
    expect([payload.readFloatLE(0), payload.readFloatLE(4)]).toEqual([1, 2]);
  });
});
