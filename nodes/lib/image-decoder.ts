import { Worker } from 'node:worker_threads';
import type { ImageBatch } from './image.ts';
import type { Pixels } from './png.ts';
import type { ImageJob, ImageReply, ImageRequest } from './image-worker-job.ts';
import { declaredDimensions, oversizeReason, type ImageDimensions } from './image-dimensions.ts';

const WORKER_URL = new URL('./image-worker.js', import.meta.url);

/** A decode refused before it started (too many pixels) or that failed (not a complete PNG/JPEG). */
export class ImageDecodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'too_large' | 'invalid',
  ) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

type Waiter = { resolve(reply: ImageReply): void; reject(error: Error): void };

/**
 * Decodes image files on one long-lived worker thread, so a large or hostile file never blocks the
 * event loop (the server keeps answering while it decodes). The worker starts on first use, does
 * not keep the process alive, and is started again if it dies.
 */
class ImageDecoderThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Waiter>();

  run(job: ImageRequest): Promise<ImageReply> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...job, id } as ImageJob);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (reply: ImageReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => fail(new Error(`the image decoder failed: ${error.message}`)));
    worker.on('exit', () => fail(new Error('the image decoder stopped')));
    this.worker = worker;
    return worker;
  }
}

const thread = new ImageDecoderThread();

/** Refuses an image whose header declares more than MAX_IMAGE_PIXELS, before anything is inflated. */
export function assertDecodableSize(bytes: Uint8Array): ImageDimensions | undefined {
  const declared = declaredDimensions(bytes);
  const reason = declared && oversizeReason(declared);
  if (reason) throw new ImageDecodeError(reason, 'too_large');
  return declared;
}

/** Decodes a PNG/JPEG off the event loop, shrinks it to fit `maxSide` and crops it to multiples of `multiple`. */
export async function decodeForVae(bytes: Uint8Array, multiple: number, maxSide: number): Promise<ImageBatch> {
  assertDecodableSize(bytes);
  const reply = await thread.run({ kind: 'decode', bytes, multiple, maxSide });
  if ('error' in reply) throw new ImageDecodeError(reply.error, 'invalid');
  if (!('image' in reply)) throw new ImageDecodeError('the image decoder gave no image', 'invalid');
  return reply.image;
}

/** Decodes a PNG/JPEG off the event loop into its pixels, alpha kept. */
export async function decodePixelsInBackground(bytes: Uint8Array): Promise<Pixels> {
  assertDecodableSize(bytes);
  const reply = await thread.run({ kind: 'pixels', bytes });
  if ('error' in reply) throw new ImageDecodeError(reply.error, 'invalid');
  if (!('pixels' in reply)) throw new ImageDecodeError('the image decoder gave no pixels', 'invalid');
  return reply.pixels;
}

/** Decodes the whole file off the event loop to prove it is a complete image; returns its size. */
export async function checkImageDecodes(bytes: Uint8Array): Promise<ImageDimensions> {
  assertDecodableSize(bytes);
  const reply = await thread.run({ kind: 'check', bytes });
  if ('error' in reply) throw new ImageDecodeError(reply.error, 'invalid');
  if (!('checked' in reply)) throw new ImageDecodeError('the image decoder gave no size', 'invalid');
  return reply.checked;
}
