import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** Runs `latentflow schedule ...` through the package's bin script. */
function schedule(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/latentflow.js', 'schedule', ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('latentflow schedule', () => {
  it('prints the CompVis reference\'s timesteps and sigmas for ddpm under the leading (and the old default) spacing', () => {
    for (const name of ['leading', 'default']) {
      const { stdout } = schedule('--sampler', 'ddpm', '--steps', '5', '--schedule', name);
      expect(stdout.trim().split('\n').slice(2).map((line) => line.trim().split(/\s+/)[1])).toEqual(['800', '600', '400', '200', '0', '0.000000']);
    }
    const { code, stdout } = schedule('--sampler', 'ddpm', '--steps', '5', '--schedule', 'leading');
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').slice(2).map((line) => line.trim().split(/\s+/));
    expect(rows.map((row) => row[1])).toEqual(['800', '600', '400', '200', '0', '0.000000']);
    expect(Number(rows[4][2])).toBeCloseTo(0.029168, 6);
  });

  it('prints JSON for a karras schedule with denoise', () => {
    const { code, stdout } = schedule('--sampler', 'euler', '--steps', '4', '--schedule', 'karras', '--denoise', '0.5', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { timesteps: number[]; sigmas: number[]; steps: number; denoise: number };
    expect(result.steps).toBe(4);
    expect(result.denoise).toBe(0.5);
    expect(result.timesteps).toHaveLength(2);
    expect(result.sigmas).toHaveLength(3);
    expect(result.sigmas[1]).toBeCloseTo(0.0291675, 6);
    expect(result.sigmas[2]).toBe(0);
  });

  it('prints ComfyUI\'s KSampler steps with the stretch rule', () => {
    const { code, stdout } = schedule('--steps', '10', '--denoise', '0.5', '--denoise-rule', 'stretch', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { sigmas: number[] }).sigmas).toHaveLength(11);
  });

  it('exits 2 naming the problem for an unknown sampler or a bad number', () => {
    const unknown = schedule('--sampler', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown sampler "nope"');
    const notANumber = schedule('--steps', 'many');
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('--steps expects a number');
  });
});
