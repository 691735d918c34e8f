import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInside } from '../../runtime/index.ts';

const folder = (prefix: string) => realpathSync(mkdtempSync(path.join(tmpdir(), `lf-safe-${prefix}-`)));

describe('resolveInside', () => {
  it('resolves names and sub-folders inside the folder, existing or not', async () => {
    const root = folder('root');
    mkdirSync(path.join(root, 'a'));
    writeFileSync(path.join(root, 'a', 'b.png'), 'x');
    expect(await resolveInside(root, 'a/b.png')).toBe(path.join(root, 'a', 'b.png'));
    expect(await resolveInside(root, './c.png')).toBe(path.join(root, 'c.png'));
    expect(await resolveInside(root, 'new/deeper/d.png')).toBe(path.join(root, 'new', 'deeper', 'd.png'));
  });

  it('refuses names that leave the folder as text, or name the folder itself', async () => {
    for (const name of ['../in2/x.png', 'a/../../x', '/etc/passwd', '', '.', 'a/..', 'nul\0.png']) {
      await expect(resolveInside(folder('text'), name), JSON.stringify(name)).rejects.toMatchObject({ code: 'path_escape' });
    }
  });

  it('refuses a symlinked file, a symlinked folder and a dangling symlink that point outside', async () => {
    const root = folder('root');
    const outside = folder('outside');
    writeFileSync(path.join(outside, 'secret.png'), 'secret');
    symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'file-link.png'));
    symlinkSync(outside, path.join(root, 'folder-link'));
    symlinkSync(path.join(outside, 'not-yet.png'), path.join(root, 'dangling.png'));
    symlinkSync(path.join(outside, 'not-yet'), path.join(root, 'dangling-folder'));
    for (const name of ['file-link.png', 'folder-link/secret.png', 'folder-link/new.png', 'folder-link/new/deeper.png', 'dangling.png', 'dangling-folder/x.png']) {
      await expect(resolveInside(root, name), name).rejects.toMatchObject({ code: 'path_escape', message: expect.stringContaining(name) });
    }
  });

  it('accepts symlinks that stay inside, returning the real path', async () => {
    const root = folder('root');
    mkdirSync(path.join(root, 'real'));
    writeFileSync(path.join(root, 'real', 'x.png'), 'x');
    symlinkSync(path.join(root, 'real', 'x.png'), path.join(root, 'alias.png'));
    symlinkSync(path.join(root, 'real'), path.join(root, 'alias-folder'));
    expect(await resolveInside(root, 'alias.png')).toBe(path.join(root, 'real', 'x.png'));
    expect(await resolveInside(root, 'alias-folder/new.png')).toBe(path.join(root, 'real', 'new.png'));
  });

  it('checks against the real folder when the folder itself is reached through a symlink', async () => {
    const real = folder('real');
    const viaLink = path.join(folder('links'), 'outputs');
    symlinkSync(real, viaLink);
    writeFileSync(path.join(real, 'x.png'), 'x');
    expect(await resolveInside(viaLink, 'x.png')).toBe(path.join(real, 'x.png'));
  });

  it('resolves inside a folder that does not exist yet by text alone', async () => {
    const missing = path.join(folder('parent'), 'not-yet');
    expect(await resolveInside(missing, 'a/b.png')).toBe(path.join(missing, 'a', 'b.png'));
  });
});
