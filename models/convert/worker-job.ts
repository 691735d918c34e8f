import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { convertCheckpoint, type ConvertOptions, type ConvertResult } from './index.ts';
import { isModelFileError } from '../checkpoint/errors.ts';
import { convertVae, type ConvertVaeResult } from '../convert-vae.ts';
import { convertControlNet, type ConvertedControlNet } from './controlnet.ts';
import type { ConvertProgress } from './progress.ts';

export interface ConvertJob {
  /** A whole checkpoint (default), only a VAE (convertVae), or a ControlNet (convertControlNet). */
  kind?: 'vae' | 'controlnet';
  path: string;
  outDir: string;
  options: Omit<ConvertOptions, 'onProgress'>;
}

export type ConvertMessage =
  | { type: 'progress'; progress: ConvertProgress }
  | { type: 'done'; result: ConvertResult | ConvertVaeResult | ConvertedControlNet }
  | { type: 'failed'; error: { code?: string; message: string; path?: string } };

const job = workerData as ConvertJob;
// A conversion takes minutes of CPU: below the main thread, which keeps serving meanwhile (pid 0: this thread).
try {
  setPriority(0, Math.min(19, getPriority(0) + 10));
} catch {
  // not permitted here: same priority as the main thread
}
const post = (message: ConvertMessage) => parentPort?.postMessage(message);

try {
  const onProgress = (progress: ConvertProgress) => post({ type: 'progress', progress });
  const result = job.kind === 'vae'
    ? await convertVae(job.path, job.outDir, { onProgress })
    : job.kind === 'controlnet'
      ? await convertControlNet(job.path, job.outDir)
      : await convertCheckpoint(job.path, job.outDir, { ...job.options, onProgress });
  post({ type: 'done', result });
} catch (error) {
  const { message } = error instanceof Error ? error : new Error(String(error));
  post({ type: 'failed', error: isModelFileError(error) ? { code: error.code, message, path: error.path } : { message } });
}
