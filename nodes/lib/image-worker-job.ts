import { parentPort } from 'node:worker_threads';
import { decodePixels } from './image-file.ts';
import { imageFromPixels } from './image.ts';
import { fitForVae } from './image.ts';
import type { ImageBatch } from './image.ts';
import type { Pixels } from './png.ts';
import { runInBackground } from './background-thread.ts';

export type ImageRequest =
  | { kind: 'decode'; bytes: Uint8Array; multiple: number; maxSide: number }
  | { kind: 'pixels'; bytes: Uint8Array }
  | { kind: 'check'; bytes: Uint8Array };

export type ImageJob = ImageRequest & { id: number };

export type ImageReply =
  | { id: number; image: ImageBatch }
  | { id: number; pixels: Pixels }
  | { id: number; checked: { width: number; height: number } }
  | { id: number; error: string };

runInBackground();

parentPort?.on('message', (job: ImageJob) => {
  try {
    const pixels = decodePixels(job.bytes);
    if (job.kind === 'pixels') {
      parentPort?.postMessage({ id: job.id, pixels } satisfies ImageReply, [pixels.data.buffer as ArrayBuffer]);
      return;
    }
    const decoded = imageFromPixels(pixels);
    if (job.kind === 'check') {
      parentPort?.postMessage({ id: job.id, checked: { width: decoded.width, height: decoded.height } } satisfies ImageReply);
      return;
    }
    const image = fitForVae(decoded, job.multiple, job.maxSide);
    parentPort?.postMessage({ id: job.id, image } satisfies ImageReply, [image.data.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies ImageReply);
  }
});
