import { encodePreviewFrame, float32Bytes } from '../../contract/index.ts';
import type { Preview } from '../../runtime/index.ts';

/** The binary frame for a node preview: image bytes, or the raw float32 latent. See docs/websocket.md. */
export function previewFrame(runId: string, nodeId: string, preview: Preview): Buffer {
  const step = preview.step ?? null;
  const frame = preview.kind === 'image'
    ? encodePreviewFrame({ runId, nodeId, step, kind: 'image', mime: preview.mime, width: preview.width, height: preview.height }, preview.data)
    : encodePreviewFrame({ runId, nodeId, step, kind: 'latent', shape: preview.shape }, float32Bytes(preview.data));
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}
