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

  it('resolves embedding:name (and bare names when asked) through the model and shows them with their weights', () => {
    const { code, stdout } = tokenize('--model', 'shapes-tiny', 'a (embedding:shapes-pink:1.2) circle');
    expect(code).toBe(0);
    expect(stdout).toContain('embeddings: shapes-pink (1 vector, ids 49408)');
    expect(stdout).toContain('weights: "a " 1, "embedding:shapes-pink" 1.2, " circle" 1');
    expect(stdout.match(/^ids: (.*)$/m)![1].split(' ').slice(0, 4)).toEqual(['49406', '320', '49408', '7117']);
    const bare = tokenize('--json', '--model', 'shapes-tiny', '--bare-embedding-names', 'a shapes-pink circle');
    expect(JSON.parse(bare.stdout)).toMatchObject({ count: 3, embeddings: [{ name: 'shapes-pink', ids: [49408] }] });
    expect(JSON.parse(tokenize('--json', '--model', 'shapes-tiny', 'a shapes-pink circle').stdout).embeddings).toEqual([]);
  });

  it('names an unknown embedding (exit 1), and asks for --model when there is none (exit 2)', () => {
    const unknown = tokenize('--model', 'shapes-tiny', 'a embedding:nope circle');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no embedding "nope"');
    const noModel = tokenize('a embedding:shapes-pink circle');
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('needs --model');
  });

  it('chunks as A1111 does with --a1111: the chunk ends after a comma among its last 20 tokens', () => {
    const prompt = `${Array(70).fill('cat').join(' ')}, ${Array(10).fill('dog').join(' ')}`;
    const chunkOf = (...args: string[]) => (JSON.parse(tokenize('--json', ...args, prompt).stdout) as { ids: number[] }).ids.slice(70, 77);
    expect(chunkOf()).toEqual([2368, 267, 1929, 1929, 1929, 1929, 49407]);
    expect(chunkOf('--a1111')).toEqual([2368, 267, 49407, 49407, 49407, 49407, 49407]);
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
