import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { measurePerNodeOverhead } from '../../bench/overhead.ts';
import { measureTokenizer } from '../../bench/tokenizer.ts';

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

  it('takes --only lora, and refuses --only with anything else', () => {
    const result = run(['--only', 'unet']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option --only unet');
    expect(result.stderr).toContain('--only lora');
  });
});
