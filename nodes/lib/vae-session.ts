import type { SessionOptions } from '../../runtime/backends/index.ts';

/**
 * How the VAE networks are opened: with ORT's CPU memory arena and without its memory pattern.
 * Without the arena every large activation (up to 268 MB at 512x512) was a fresh allocation whose
 * pages the kernel faulted in and zeroed on every run: about a fifth of a decode's CPU time was
 * system time. With the arena and the pattern (ORT's defaults) the arena grew run after run (1.39 GB
 * after one 512x512 decode, 2.18 GB after a second), because each run's pattern block came on top of
 * what the arena held. With the arena alone a decode reuses the buffers of the one before: 1.42 GB at
 * most over two 512x512 decodes, measured. The session holds them while it stays open. Outputs are
 * bit for bit the same.
 */
export function vaeSessionOptions(backend: string): SessionOptions {
  return { backend, memoryArena: true, memoryPattern: false };
}
