import { Worker } from 'node:worker_threads';
import { AdapterError, ADAPTER_CODES, type AdapterCode } from './errors.ts';
import type { PatchMessage } from './patch-job.ts';
import { existingPatchedNetwork, type PatchRequest } from './patched-networks.ts';

const WORKER_URL = new URL('./patch-worker.js', import.meta.url);

/**
 * The model.onnx to open with the request's LoRAs and extra tokens applied: found at once when
 * nothing is to be done or the copy exists, else made by patchNetwork on a worker thread, so that
 * the calling thread (a server streaming progress) stays responsive meanwhile. `beforePatching` runs only when a copy
 * is to be made, before it is (to free the memory of networks that the copy replaces).
 */
export async function patchedNetwork(request: PatchRequest, beforePatching?: () => Promise<void>): Promise<string> {
  const found = existingPatchedNetwork(request);
  if (found) return found;
  await beforePatching?.();
  const worker = new Worker(WORKER_URL, { workerData: request });
  try {
    return await new Promise<string>((resolve, reject) => {
      worker.on('message', (message: PatchMessage) => (message.type === 'done' ? resolve(message.path) : reject(rebuilt(message.error))));
      worker.on('error', reject);
      worker.on('exit', () => reject(new Error(`the worker patching ${request.model} stopped`)));
    });
  } finally {
    await worker.terminate();
  }
}

function rebuilt(error: { code?: string; message: string; path?: string }): Error {
  if (!ADAPTER_CODES.includes(error.code as AdapterCode)) return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
  return new AdapterError(error.code as AdapterCode, error.message, { path: error.path });
}
