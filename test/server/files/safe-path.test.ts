import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertFileName, resolveNamedFile } from '../../../server/files/safe-path.ts';
import { tempDir } from '../helpers.ts';

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('resolveNamedFile', () => {
  it('returns the path of a plain name inside the folder, existing or not', async () => {
    const dir = fs.realpathSync(tempDir('safe'));
    fs.writeFileSync(path.join(dir, 'a.png'), 'x');
    expect(await resolveNamedFile(dir, 'a.png', 'file name')).toBe(path.join(dir, 'a.png'));
    expect(await resolveNamedFile(dir, 'new_file-1.json', 'file name')).toBe(path.join(dir, 'new_file-1.json'));
  });

  it.each(['../secret', '..', 'a/../../b', '/etc/passwd', 'sub/file.png', '.hidden', 'a\\b', '', 'x'.repeat(200), 'nul\0.png'])(
    'refuses the name %j',
    async (name) => {
      expect(await codeOf(resolveNamedFile(tempDir('safe'), name, 'file name'))).toBe('invalid_name');
    },
  );

  it('with sub-folders, takes a path of plain names and still refuses the rest', async () => {
    const dir = fs.realpathSync(tempDir('safe'));
    expect(await resolveNamedFile(dir, 'portraits/cat_00001.png', 'image name', { subfolders: true })).toBe(path.join(dir, 'portraits', 'cat_00001.png'));
    for (const name of ['portraits/../../x.png', '/etc/passwd', 'a//b.png', 'portraits/.hidden.png', `${'a/'.repeat(9)}x.png`]) {
      expect(await codeOf(resolveNamedFile(dir, name, 'image name', { subfolders: true })), name).toBe('invalid_name');
    }
  });

  it('refuses a symlink that points outside the folder, and a dangling one', async () => {
    const dir = tempDir('safe');
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'secret.png'), 'secret');
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(dir, 'link.png'));
    fs.symlinkSync(path.join(outside, 'not-yet.png'), path.join(dir, 'dangling.png'));
    expect(await codeOf(resolveNamedFile(dir, 'link.png', 'file name'))).toBe('path_escape');
    expect(await codeOf(resolveNamedFile(dir, 'dangling.png', 'file name'))).toBe('path_escape');
  });
});

describe('assertFileName', () => {
  it('names what was wrong', () => {
    expect(() => assertFileName('upload name', '../x')).toThrow(/Invalid upload name "..\/x"/);
  });
});
