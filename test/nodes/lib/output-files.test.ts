import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNumberedFile } from '../../../nodes/lib/output-files.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('output files', () => {
  it('numbers files and never overwrites an existing one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-out-'));
    await writeFile(path.join(dir, 'cat_00002.png'), 'existing');
    expect(await writeNumberedFile(dir, 'cat', 'png', bytes('a'))).toBe('cat_00003.png');
    expect(await writeNumberedFile(dir, 'cat', 'png', bytes('b'))).toBe('cat_00004.png');
    expect(await writeNumberedFile(dir, 'dog', 'png', bytes('c'))).toBe('dog_00001.png');
    expect(await readFile(path.join(dir, 'cat_00002.png'), 'utf8')).toBe('existing');
    expect(await readFile(path.join(dir, 'cat_00004.png'), 'utf8')).toBe('b');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps counting without listing an unchanged folder again, and sees files added since', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-out-'));
    expect(await writeNumberedFile(dir, 'cat', 'png', bytes('a'))).toBe('cat_00001.png');
    expect(await writeNumberedFile(dir, 'cat', 'png', bytes('b'))).toBe('cat_00002.png');
    // Later than the folder's last change, so that its mtime moves (the kernel's clock for it is coarse).
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(path.join(dir, 'cat_00009.png'), 'added by hand');
    expect(await writeNumberedFile(dir, 'cat', 'png', bytes('c'))).toBe('cat_00010.png');
    expect(await readFile(path.join(dir, 'cat_00009.png'), 'utf8')).toBe('added by hand');
  });

  it('gives concurrent writers distinct numbers', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-out-'));
    const names = await Promise.all(Array.from({ length: 8 }, (_, i) => writeNumberedFile(dir, 'race', 'png', bytes(String(i)))));
    expect(new Set(names).size).toBe(8);
    const contents = await Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
    expect(contents.sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });

  it('writes into sub-folders of the output folder but never outside it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-out-'));
    expect(await writeNumberedFile(dir, 'portraits/cat', 'png', bytes('x'))).toBe(path.join('portraits', 'cat_00001.png'));
    await expect(writeNumberedFile(dir, '../escape', 'png', bytes('x'))).rejects.toThrow(/not a name inside/);
    await expect(writeNumberedFile(dir, '/tmp/abs', 'png', bytes('x'))).rejects.toThrow(/not a name inside/);
  });
});
