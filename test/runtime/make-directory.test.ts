import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from '../../runtime/index.ts';

describe('makeDirectory', () => {
  it('creates every missing folder, and accepts one that exists', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lf-mkdir-'));
    makeDirectory(path.join(root, 'a', 'b', 'c'));
    makeDirectory(path.join(root, 'a', 'b', 'c'));
    expect(statSync(path.join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
  });

  it('names the file a path runs through, and a file where the folder should be', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lf-mkdir-'));
    const file = path.join(root, 'README.md');
    writeFileSync(file, 'x');
    expect(() => makeDirectory(path.join(file, 'sub', 'deeper'))).toThrow(`${file} is a file, not a folder`);
    expect(() => makeDirectory(file)).toThrow(`${file} is a file, not a folder`);
    expect(existsSync(path.join(file, 'sub'))).toBe(false);
  });

  it.runIf(existsSync('/proc/self'))('fails under /proc instead of looping forever as a recursive mkdir does', () => {
    expect(() => makeDirectory('/proc/latentflow-nope/sub')).toThrow(/ENOENT/);
  });
});
