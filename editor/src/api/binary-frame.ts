import { EditorError } from '../errors.ts';

/** Decodes the server's binary preview frames: `LFB1`, uint32 LE header length, JSON header, payload. */

export interface PreviewFrameHeader {
  runId: string;
  nodeId: string;
  step?: number;
  kind: 'image' | 'latent';
  mime?: string;
  width?: number;
  height?: number;
  shape?: number[];
}

export interface PreviewFrame {
  header: PreviewFrameHeader;
  /** Encoded image bytes, or float32 little-endian latent values. */
  payload: Uint8Array;
}

const MAGIC = [0x4c, 0x46, 0x42, 0x31]; // "LFB1"

export function decodePreviewFrame(buffer: ArrayBuffer): PreviewFrame {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new EditorError('bad_preview_frame', 'binary frame does not start with LFB1');
  }
  const headerLength = new DataView(buffer).getUint32(4, true);
  if (8 + headerLength > bytes.length) {
    throw new EditorError('bad_preview_frame', `binary frame header length ${headerLength} exceeds the frame (${bytes.length} bytes)`);
  }
  let header: PreviewFrameHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as PreviewFrameHeader;
  } catch (cause) {
    throw new EditorError('bad_preview_frame', 'binary frame header is not JSON', { cause });
  }
  if (header.kind !== 'image' && header.kind !== 'latent') {
    throw new EditorError('bad_preview_frame', `binary frame has unknown kind ${String(header.kind)}`);
  }
  return { header, payload: bytes.subarray(8 + headerLength) };
}

/** Reads a latent payload as float32 values, copying when the payload is not 4-byte aligned. */
export function latentValues(payload: Uint8Array): Float32Array {
  const count = Math.floor(payload.byteLength / 4);
  if (payload.byteOffset % 4 === 0) return new Float32Array(payload.buffer, payload.byteOffset, count);
  return new Float32Array(payload.slice(0, count * 4).buffer);
}
