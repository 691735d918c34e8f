import type { SessionOptions } from '../../runtime/backends/index.ts';

/**
 * How the VAE networks are opened: without ORT's CPU memory arena. A 512x512 decode needs about
 * 1.4 GB of activations; with the arena the session keeps them reserved while it stays open, and
 * the arena grows over repeated decodes (1.7 GB after one, 3.0 GB after two, measured); without it
 * they go back to the system after each run. Outputs are bit for bit the same. The UNet and the
 * text encoder keep the arena: without it the UNet step peaked higher (4.5-4.6 GB against 4.1 GB
 * for the UNet alone) and ran about 8% slower.
 */
export function vaeSessionOptions(backend: string): SessionOptions {
  return { backend, memoryArena: false };
}
