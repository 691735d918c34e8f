import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { measurePerNodeOverhead } from '../../bench/overhead.ts';
import { measureTokenizer } from '../../bench/tokenizer.ts';
import { vaeDecoderGflop } from '../../bench/vae-flops.ts';
import { FULL_SD15_CONFIG } from '../../models/sd15/index.ts';

const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], { encoding: 'utf8', timeout: 90_000 });

describe('npm run bench', () => {
  it('measures the per-node overhead and the tokenizer as positive finite numbers (smoke test; the whole run is npm run test:bench)', async () => {
    for (const value of [await measurePerNodeOverhead(20, 1), await measureTokenizer(50)]) {
      expect(Number.isFinite(value) && value > 0, String(value)).toBe(true);
    }
  });

  it('refuses unknown options with its usage', () => {
    const result = run(['--fast']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option --fast');
    expect(result.stderr).toContain('--quick');
  });

  it('runs only the groups --only names, and refuses one it does not know', () => {
    const result = run(['--only', 'vae,nosuch']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown group "nosuch"');
    expect(result.stderr).toContain('--only <groups>');
  });
});

describe('the VAE decoder FLOP count the rate figure divides by', () => {
  it('counts the standard full-size decoder at 512x512, and 4/9 of it for the upsampling convs the graph runs', () => {
    const flop = vaeDecoderGflop(FULL_SD15_CONFIG.vae, 64);
    // Hand count: 2 mid ResBlocks of 512 at 64x64 (77.3), level 3 (116.0 + upsample 77.3), level 2 (463.9 + 309.2),
    // level 1 (558.4 + 309.2), level 0 (558.4), conv_in/out and post_quant_conv (2.0).
    expect(flop.conv).toBeCloseTo(2471.6, 0);
    expect(flop.conv - flop.executedConv).toBeCloseTo((5 / 9) * (77.3 + 309.2 + 309.2), 0);
    expect(flop.matmul).toBeCloseTo(42.9, 0);
  });
});
