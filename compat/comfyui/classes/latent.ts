import type { InputValue } from '../../../runtime/index.ts';
import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

export const EmptyLatentImage: ComfyClass = {
  uses: ['EmptyLatent'],
  category: 'latent',
  description: 'EmptyLatent.',
  inputs: [
    { name: 'width', type: 'INT', default: 512, min: 16, max: 16384, step: 8 },
    { name: 'height', type: 'INT', default: 512, min: 16, max: 16384, step: 8 },
    { name: 'batch_size', type: 'INT', default: 1, min: 1, max: 4096 },
  ],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate(node) {
    const id = node.add('', 'EmptyLatent', { width: node.value('width'), height: node.value('height'), batch_size: node.value('batch_size') });
    return [out(id, 'latent')];
  },
};

export const VAEDecode: ComfyClass = {
  uses: ['VAEDecode'],
  category: 'latent',
  description: 'VAEDecode.',
  inputs: [
    { name: 'samples', type: 'LATENT' },
    { name: 'vae', type: 'VAE' },
  ],
  outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  translate(node) {
    return [out(node.add('', 'VAEDecode', { vae: node.link('vae'), latent: node.link('samples') }), 'image')];
  },
};

export const VAEEncode: ComfyClass = {
  uses: ['VAEEncode'],
  category: 'latent',
  description: 'VAEEncode (the posterior mean).',
  inputs: [
    { name: 'pixels', type: 'IMAGE' },
    { name: 'vae', type: 'VAE' },
  ],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate(node) {
    return [out(node.add('', 'VAEEncode', { vae: node.link('vae'), image: node.link('pixels') }), 'latent')];
  },
};

/**
 * ComfyUI's tiling widgets; its temporal_size and temporal_overlap are for video VAEs, so they are
 * accepted (newer workflows carry them) and ignored: an SD 1.5 VAE has no time axis.
 */
const tiling = (tileStep: number) =>
  [
    { name: 'tile_size', type: 'INT', default: 512, min: 64, max: 4096, step: tileStep },
    { name: 'overlap', type: 'INT', default: 64, min: 0, max: 4096, step: 32 },
    { name: 'temporal_size', type: 'INT', default: 64, min: 8, max: 4096, step: 4 },
    { name: 'temporal_overlap', type: 'INT', default: 8, min: 4, max: 4096, step: 4 },
  ] as const;

/** ComfyUI's VAEDecodeTiled lowers the overlap to a quarter of the tile when the tile is under four overlaps (tile 64, overlap 64 runs). */
function decodeOverlap(tile: InputValue, overlap: InputValue): InputValue {
  return typeof tile === 'number' && typeof overlap === 'number' && tile < overlap * 4 ? Math.floor(tile / 4) : overlap;
}

export const VAEDecodeTiled: ComfyClass = {
  uses: ['VAEDecodeTiled'],
  category: 'latent',
  description: 'VAEDecodeTiled (the overlap lowered to tile_size / 4 when the tile is under four overlaps, as ComfyUI does).',
  inputs: [{ name: 'samples', type: 'LATENT' }, { name: 'vae', type: 'VAE' }, ...tiling(32)],
  outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  translate(node) {
    const [tile, overlap] = [node.value('tile_size'), node.value('overlap')];
    const id = node.add('', 'VAEDecodeTiled', { vae: node.link('vae'), latent: node.link('samples'), tile_size: tile, overlap: decodeOverlap(tile, overlap) });
    return [out(id, 'image')];
  },
};

export const VAEEncodeTiled: ComfyClass = {
  uses: ['VAEEncodeTiled'],
  category: 'latent',
  description: 'VAEEncodeTiled.',
  inputs: [{ name: 'pixels', type: 'IMAGE' }, { name: 'vae', type: 'VAE' }, ...tiling(64)],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate: (node) => [out(node.add('', 'VAEEncodeTiled', { vae: node.link('vae'), image: node.link('pixels'), tile_size: node.value('tile_size'), overlap: node.value('overlap') }), 'latent')],
};
