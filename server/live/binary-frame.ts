import os from 'node:os';
import type { Preview } from '../../runtime/index.ts';

/** The first four bytes of every binary frame. */
export const FRAME_MAGIC = 'LFB1';

export interface FrameHeader {
  runId: string;
  nodeId: string;
  step: number | null;
  kind: 'image' | 'latent';
  mime?: string;
  width?: number;
  height?: number;
  shape?: number[];
}

/** `LFB1`, uint32 LE header length, UTF-8 JSON header, payload. See docs/websocket.md. */
function encodeFrame(header: FrameHeader, payload: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const frame = Buffer.allocUnsafe(8 + json.length + payload.byteLength);
  frame.write(FRAME_MAGIC, 0, 'latin1');
  frame.writeUInt32LE(json.length, 4);
  json.copy(frame, 8);
  frame.set(payload, 8 + json.length);
  return frame;
}

function float32LittleEndian(data: Float32Array): Uint8Array {
  if (os.endianness() === 'LE') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = Buffer.allocUnsafe(data.length * 4);
  data.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes;
}

/** The binary frame for a node preview: image bytes, or the raw float32 latent. */
export function previewFrame(runId: string, nodeId: string, preview: Preview): Buffer {
  const step = preview.step ?? null;
  if (preview.kind === 'image') {
    const { mime, width, height } = preview;
    return encodeFrame({ runId, nodeId, step, kind: 'image', mime, width, height }, preview.data);
  }
  return encodeFrame({ runId, nodeId, step, kind: 'latent', shape: preview.shape }, float32LittleEndian(preview.data));
}
