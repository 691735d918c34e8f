import { describe, expect, it } from 'vitest';
import { decodePreviewFrame, encodePreviewFrame, float32Bytes, latentValues } from '../../contract/index.ts';

function frame(header: object, payload: Uint8Array, magic = 'LFB1'): ArrayBuffer {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + payload.length);
  bytes.set(new TextEncoder().encode(magic), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  bytes.set(payload, 8 + json.length);
  return bytes.buffer;
}

describe('binary preview frames', () => {
  it('decodes the header and hands back the payload bytes', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const decoded = decodePreviewFrame(frame({ runId: 'r1', nodeId: 'unet', step: 3, kind: 'image', mime: 'image/png', width: 64, height: 32 }, png));
    expect(decoded.header).toEqual({ runId: 'r1', nodeId: 'unet', step: 3, kind: 'image', mime: 'image/png', width: 64, height: 32 });
    expect([...decoded.payload]).toEqual([...png]);
  });

  it('reads latent payloads as float32 even when they are not 4-byte aligned', () => {
    const values = new Float32Array([1.5, -2, 0.25]);
    let runId = 'r';
    const headerOf = () => ({ runId, nodeId: 'n', kind: 'latent', shape: [1, 3, 1, 1] });
    while (JSON.stringify(headerOf()).length % 4 === 0) runId += 'x';
    const decoded = decodePreviewFrame(frame(headerOf(), new Uint8Array(values.buffer)));
    expect(decoded.payload.byteOffset % 4).not.toBe(0);
    expect([...latentValues(decoded.payload)]).toEqual([1.5, -2, 0.25]);
  });

  it('rejects frames without the LFB1 magic', () => {
    expect(() => decodePreviewFrame(frame({ kind: 'image' }, new Uint8Array(), 'XXXX'))).toThrow(
      expect.objectContaining({ code: 'bad_preview_frame', message: 'binary frame does not start with LFB1' }),
    );
  });

  it('rejects a header length that runs past the frame', () => {
    const buffer = frame({ runId: 'r', nodeId: 'n', kind: 'image' }, new Uint8Array());
    new DataView(buffer).setUint32(4, 9999, true);
    expect(() => decodePreviewFrame(buffer)).toThrow(/header length 9999 exceeds the frame/);
  });

  it('rejects unknown kinds', () => {
    expect(() => decodePreviewFrame(frame({ runId: 'r', nodeId: 'n', kind: 'audio' }, new Uint8Array()))).toThrow('binary frame has unknown kind audio');
  });

  it('decodes what the encoder wrote, header and latent values alike', () => {
    const header = { runId: 'r', nodeId: 'größe→', step: null, kind: 'latent' as const, shape: [1, 3] };
    const decoded = decodePreviewFrame(encodePreviewFrame(header, float32Bytes(Float32Array.of(1, -2, 0.5))));
    expect(decoded.header).toEqual(header);
    expect([...latentValues(decoded.payload)]).toEqual([1, -2, 0.5]);
  });
});
