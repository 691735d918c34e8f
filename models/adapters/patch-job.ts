import { parentPort, workerData } from 'node:worker_threads';
import { AdapterError } from './errors.ts';
import { patchNetwork, type PatchRequest } from './patched-networks.ts';

export type PatchMessage =
  | { type: 'done'; path: string }
  | { type: 'failed'; error: { code?: string; message: string; path?: string } };

const post = (message: PatchMessage) => parentPort?.postMessage(message);

try {
  post({ type: 'done', path: await patchNetwork(workerData as PatchRequest) });
} catch (error) {
  const { message } = error instanceof Error ? error : new Error(String(error));
  const code = (error as { code?: unknown }).code;
  post({ type: 'failed', error: { code: typeof code === 'string' ? code : undefined, message, path: error instanceof AdapterError ? error.path : undefined } });
}
