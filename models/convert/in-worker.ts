import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ConvertOptions, ConvertResult } from './index.ts';
import type { ConvertVaeResult } from '../convert-vae.ts';
import type { ConvertedControlNet } from './controlnet.ts';
import { conversionFailed, ModelFileError, type ModelFileCode } from '../checkpoint/errors.ts';
import type { ConvertJob, ConvertMessage } from './worker-job.ts';
import { removeStaleStaging } from './staging.ts';
import { withTargetLock } from './target-lock.ts';

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * `convertCheckpoint` on a worker thread, so the calling thread (a server streaming progress)
 * stays responsive. Aborting stops the worker; its staging folder is removed.
 */
export function convertInWorker(
  path: string,
  outDir: string,
  options: ConvertOptions & { signal?: AbortSignal } = {},
): Promise<ConvertResult> {
  return runInWorker<ConvertResult>(path, outDir, options);
}

/** `convertVae` on a worker thread, cancelled like convertInWorker. */
export function convertVaeInWorker(
  path: string,
  outDir: string,
  options: Pick<ConvertOptions, 'onProgress'> & { signal?: AbortSignal } = {},
): Promise<ConvertVaeResult> {
  return runInWorker<ConvertVaeResult>(path, outDir, options, 'vae');
}

/** `convertControlNet` on a worker thread, cancelled like convertInWorker. */
export function convertControlNetInWorker(path: string, outDir: string, options: { signal?: AbortSignal } = {}): Promise<ConvertedControlNet> {
  return runInWorker<ConvertedControlNet>(path, outDir, options, 'controlnet');
}

function runInWorker<Result>(path: string, outDir: string, options: ConvertOptions & { signal?: AbortSignal }, kind?: ConvertJob['kind']): Promise<Result> {
  const target = resolve(outDir);
  const { onProgress, signal, ...rest } = options;
  return withTargetLock(target, async () => {
    signal?.throwIfAborted();
    const job: ConvertJob = { kind, path, outDir: target, options: rest };
    const worker = new Worker(WORKER_URL, { workerData: job });
    const onAbort = () => void worker.terminate();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await new Promise<Result>((resolvePromise, reject) => {
        worker.on('message', (message: ConvertMessage) => {
          if (message.type === 'progress') onProgress?.(message.progress);
          else if (message.type === 'done') resolvePromise(message.result as Result);
          else reject(rebuild(path, message.error));
        });
        worker.on('error', (error) => reject(conversionFailed(path, error)));
        worker.on('exit', () => reject(signal?.aborted ? signal.reason : conversionFailed(path, new Error('the conversion worker stopped'))));
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await worker.terminate();
      if (signal?.aborted) removeStaleStaging(target);
    }
  });
}

function rebuild(path: string, error: { code?: string; message: string; path?: string }): Error {
  if (error.code === undefined) return conversionFailed(path, new Error(error.message));
  return new ModelFileError(error.code as ModelFileCode, error.message, { path: error.path });
}
