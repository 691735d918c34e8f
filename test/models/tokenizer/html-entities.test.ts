import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const hasPython = spawnSync('python3', ['--version']).status === 0;

it.skipIf(!hasPython)('html-entities.ts is what its generator writes from Python\'s html tables', () => {
  const check = spawnSync('python3', ['tools/tokenizer-reference/gen_html_entities.py', '--check'], { cwd: root, encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});
