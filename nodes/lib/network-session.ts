import type { SessionOptions } from '../../runtime/backends/index.ts';

/**
 * How the SD networks are opened: without ORT's CPU memory arena. With it, every session keeps the
 * buffers of its largest run for as long as it is open (about 0.8 GB for a batch-2 UNet step at
 * 64x64, 1.4 GB for a 512x512 VAE decode) and the VAE's grows further over repeated decodes; without
 * it, a run's activations go back to the system when it ends, so the UNet's do not add to the VAE's
 * peak and a long-running server does not creep up. Outputs are bit for bit the same.
 */
export function networkSessionOptions(backend: string): SessionOptions {
  return { backend, memoryArena: false };
}
