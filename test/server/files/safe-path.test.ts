import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServerError } from '../../../server/errors.ts';
import { assertFileName, resolveInside } from '../../../server/files/safe-path.ts';
import { tempDir } from '../helpers.ts';

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as ServerError).code;
  }
};

describe('resolveInside', () => {
  it('returns the path of a plain name inside the folder, existing or not', async () => {
    const dir = fs.realpathSync(tempDir('safe'));
    fs.writeFileSync(path.join(dir, 'a.png'), 'x');
    expect(await resolveInside(dir, 'a.png')).toBe(path.join(dir, 'a.png'));
    expect(await resolveInside(dir, 'new_file-1.json')).toBe(path.join(dir, 'new_file-1.json'));
  });

  it.each(['../secret', '..', 'a/../../b', '/etc/passwd', 'sub/file.png', '.hidden', 'a\\b', '', 'x'.repeat(200), 'nul\0.png'])(
    'refuses the name %j',
    async (name) => {
      expect(await codeOf(resolveInside(tempDir('safe'), name))).toBe('invalid_name');
    },
  );

  it('refuses a symlink that points outside the folder', async () => {
    const dir = tempDir('safe');
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'secret.png'), 'secret');
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(dir, 'link.png'));
    expect(await codeOf(resolveInside(dir, 'link.png'))).toBe('path_escape');
  });

  it('refuses a dangling symlink, which a write would follow', async () => {
    const dir = tempDir('safe');
    fs.symlinkSync(path.join(tempDir('outside'), 'not-yet.png'), path.join(dir, 'dangling.png'));
    expect(await codeOf(resolveInside(dir, 'dangling.png'))).toBe('path_escape');
  });

  it('accepts a symlink that stays inside the folder', async () => {
    const dir = fs.realpathSync(tempDir('safe'));
    fs.writeFileSync(path.join(dir, 'real.png'), 'x');
    fs.symlinkSync(path.join(dir, 'real.png'), path.join(dir, 'alias.png'));
    expect(await resolveInside(dir, 'alias.png')).toBe(path.join(dir, 'real.png'));
  });
});

describe('assertFileName', () => {
  it('names what was wrong', () => {
    expect(() => assertFileName('upload name', '../x')).toThrow(/Invalid upload name "..\/x"/);
  });
});
