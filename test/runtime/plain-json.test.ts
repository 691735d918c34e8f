import { describe, expect, it } from 'vitest';
import { findNonJson } from '../../runtime/plain-json.ts';

describe('findNonJson', () => {
  it('accepts plain JSON values, skipping undefined properties', () => {
    expect(findNonJson({ files: ['a.png'], size: { w: 8, h: 8 }, ok: true, none: null, gone: undefined })).toBeUndefined();
    expect(findNonJson(Object.assign(Object.create(null), { a: 1 }))).toBeUndefined();
  });

  it('names the path of the first value JSON would not carry', () => {
    expect(findNonJson({ a: [1, { b: new Uint8Array(1) }] })).toBe('$.a[1].b');
    expect(findNonJson({ n: NaN })).toBe('$.n');
    expect(findNonJson({ f: () => 1 })).toBe('$.f');
    expect(findNonJson({ big: 1n })).toBe('$.big');
    expect(findNonJson([new Date()])).toBe('$[0]');
    expect(findNonJson(undefined)).toBe('$');
  });
});
