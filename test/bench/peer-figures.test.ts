import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loggedSeconds, measurePeer, peerFigures, SD_CPP_VARIABLE } from '../../bench/peer-figures.ts';

const LOG = [
  '[INFO ] stable-diffusion.cpp:5296 - get_learned_condition completed, taking 14.34s',
  '[INFO ] stable-diffusion.cpp:5711 - sampling completed, taking 52.20s',
  '[INFO ] stable-diffusion.cpp:5391 - decode_first_stage completed, taking 74.05s',
].join('\n');

describe('stable-diffusion.cpp figures', () => {
  const saved = process.env[SD_CPP_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[SD_CPP_VARIABLE];
    else process.env[SD_CPP_VARIABLE] = saved;
  });

  it('reads the sampling and decode times from its log', () => {
    expect(loggedSeconds(LOG, 'sampling')).toBe(52.2);
    expect(loggedSeconds(LOG, 'decode_first_stage')).toBe(74.05);
    expect(loggedSeconds(LOG, 'encode_first_stage')).toBeUndefined();
  });

  it('judges our step against 3x, and the VAE decode and peak memory against being ahead', () => {
    const figures = peerFigures({ stepMs: 52_200, vaeDecodeMs: 74_000, peakRssBytes: 3.5e9, threads: 2 }, { stepMs: 17_400, vaeDecodeMs: 37_000, peakRssBytes: 4e9 });
    const byId = new Map(figures.map((f) => [f.id, f]));
    expect(byId.get('peer.sd_cpp.step_ratio')).toMatchObject({ value: 3, target: { kind: 'min', limit: 3 } });
    expect(byId.get('peer.sd_cpp.vae_ratio')).toMatchObject({ value: 2, target: { kind: 'min', limit: 1 } });
    expect(byId.get('peer.sd_cpp.peak_rss')!.value).toBeCloseTo(0.875, 9);
  });

  it('lists the figures as unavailable, with the reason, when no binary is named or it is missing', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'latentflow-peer-'));
    try {
      delete process.env[SD_CPP_VARIABLE];
      expect(await measurePeer(workDir)).toMatchObject({ id: 'peer.sd_cpp', reason: expect.stringContaining(`${SD_CPP_VARIABLE} does not name`) });
      process.env[SD_CPP_VARIABLE] = join(workDir, 'no-such-sd-cli');
      expect(await measurePeer(workDir)).toMatchObject({ reason: expect.stringContaining('does not exist') });
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
