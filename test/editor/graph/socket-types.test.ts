import { describe, expect, it } from 'vitest';
import { canConnect, socketColour } from '../../../editor/src/graph/socket-types.ts';

describe('socket types', () => {
  it('connects equal types, and anything to or from the wildcard', () => {
    expect(canConnect('LATENT', 'LATENT')).toBe(true);
    expect(canConnect('LATENT', 'IMAGE')).toBe(false);
    expect(canConnect('VAE', 'STRING')).toBe(false);
    expect(canConnect('*', 'CLIP')).toBe(true);
    expect(canConnect('CLIP', '*')).toBe(true);
  });

  it('gives every type a stable colour, distinct for the built-in ones', () => {
    const builtIn = ['CLIP', 'UNET', 'VAE', 'TOKENS', 'CONDITIONING', 'SCHEDULE', 'LATENT', 'IMAGE'].map(socketColour);
    expect(new Set(builtIn).size).toBe(builtIn.length);
    expect(socketColour('PLUGIN_MASK')).toBe(socketColour('PLUGIN_MASK'));
    expect(socketColour('PLUGIN_MASK')).toMatch(/^hsl\(\d+ 70% 62%\)$/);
  });
});
