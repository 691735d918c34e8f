import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** Runs `latentflow tokenize ...` through the package's bin script. */
function tokenize(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/latentflow.js', 'tokenize', ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('latentflow tokenize', () => {
  it('prints the 77 input ids and the token count', () => {
    const { code, stdout } = tokenize('a photograph of an astronaut riding a horse');
    expect(code).toBe(0);
    const ids = stdout.match(/^ids: (.*)$/m)![1].split(' ').map(Number);
    expect(ids).toHaveLength(77);
    expect(ids.slice(0, 10)).toEqual([49406, 320, 8853, 539, 550, 18376, 6765, 320, 4558, 49407]);
    expect(stdout).toContain('tokens: 8 of 75');
    expect(stdout).not.toContain('truncated');
  });

  it('prints JSON with --json', () => {
    const { code, stdout } = tokenize('--json', 'Hello &amp; world');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { ids: number[]; count: number; tokens: number[]; chunks: number };
    expect(result.ids).toHaveLength(77);
    expect(result.count).toBe(3);
    expect(result.chunks).toBe(1);
    expect(result.ids.slice(1, 4)).toEqual(result.tokens);
  });

  it('encodes a prompt longer than 75 tokens in 77-id chunks instead of cutting it', () => {
    const { code, stdout } = tokenize(Array(80).fill('cat').join(' '));
    expect(code).toBe(0);
    expect(stdout).toContain('tokens: 80 in 2 chunks of 75');
    expect(stdout.match(/^ids: (.*)$/m)![1].split(' ')).toHaveLength(154);
  });

  it('shows the weights it parsed', () => {
    const { code, stdout } = tokenize('a (red:1.3) ((circle)) [blue] \\(x\\) BREAK night');
    expect(code).toBe(0);
    expect(stdout).toContain('weights: "a " 1, "red" 1.3, " " 1, "circle" 1.21, " " 1, "blue" 0.9091, " (x)" 1, BREAK, "night" 1');
    expect(stdout).toContain('tokens: 8 in 2 chunks of 75');
  });

  it('exits 2 with usage when the text is missing', () => {
    const { code, stderr } = tokenize('--json');
    expect(code).toBe(2);
    expect(stderr).toContain('missing the text');
    expect(stderr).toContain('usage: latentflow tokenize');
  });

  it('exits 1 naming the folder when there is no vocabulary', () => {
    const { code, stderr } = tokenize('--data', '/nonexistent-data', 'cat');
    expect(code).toBe(1);
    expect(stderr).toContain('/nonexistent-data');
  });
});
