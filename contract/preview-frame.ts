import { WireFormatError } from './wire-error.ts';

/** The first four bytes of every binary frame: "LFB1". */
export const FRAME_MAGIC = 'LFB1';

/** The JSON header of a binary preview frame (docs/websocket.md). */
export interface PreviewFrameHeader {
  runId: string;
  nodeId: string;
  step: number | null;
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

const MAGIC_BYTES = Uint8Array.from(FRAME_MAGIC, (ch) => ch.charCodeAt(0));

/** `LFB1`, uint32 LE header length, UTF-8 JSON header, payload. */
export function encodePreviewFrame(header: PreviewFrameHeader, payload: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const frame = new Uint8Array(8 + json.length + payload.byteLength);
  frame.set(MAGIC_BYTES, 0);
  new DataView(frame.buffer).setUint32(4, json.length, true);
  frame.set(json, 8);
  frame.set(payload, 8 + json.length);
  return frame;
}

export function decodePreviewFrame(buffer: ArrayBuffer | Uint8Array): PreviewFrame {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < 8 || MAGIC_BYTES.some((byte, i) => bytes[i] !== byte)) {
    throw new WireFormatError('bad_preview_frame', `binary frame does not start with ${FRAME_MAGIC}`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + headerLength > bytes.length) {
    throw new WireFormatError('bad_preview_frame', `binary frame header length ${headerLength} exceeds the frame (${bytes.length} bytes)`);
  }
  let header: PreviewFrameHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as PreviewFrameHeader;
  } catch (cause) {
    throw new WireFormatError('bad_preview_frame', 'binary frame header is not JSON', { cause });
  }
  if (header?.kind !== 'image' && header?.kind !== 'latent') {
    throw new WireFormatError('bad_preview_frame', `binary frame has unknown kind ${String(header?.kind)}`);
  }
  return { header, payload: bytes.subarray(8 + headerLength) };
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Latent values as the frame's little-endian float32 bytes (a view when the machine is little-endian). */
export function float32Bytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return bytes;
}

/** Reads a latent payload as float32 values, copying when the payload is not 4-byte aligned. */
export function latentValues(payload: Uint8Array): Float32Array {
  const count = Math.floor(payload.byteLength / 4);
  if (LITTLE_ENDIAN && payload.byteOffset % 4 === 0) return new Float32Array(payload.buffer, payload.byteOffset, count);
  const view = new DataView(payload.buffer, payload.byteOffset, count * 4);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
}
