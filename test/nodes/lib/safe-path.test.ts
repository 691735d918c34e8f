import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInside } from '../../../nodes/lib/safe-path.ts';

describe('resolveInside', () => {
  it('resolves names and sub-folders inside the folder', () => {
    expect(resolveInside('/data/in', 'a/b.png')).toBe(path.resolve('/data/in/a/b.png'));
    expect(resolveInside('/data/in', './c.png')).toBe(path.resolve('/data/in/c.png'));
  });

  it('refuses names that leave the folder or name the folder itself', () => {
    for (const name of ['../in2/x.png', 'a/../../x', '/etc/passwd', '', '.', 'a/..']) {
      expect(() => resolveInside('/data/in', name), name).toThrow(/not a name inside/);
    }
  });
});
