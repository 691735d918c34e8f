import { describe, expect, it } from 'vitest';
import { parseNumber } from '../../../editor/src/ui/NumberField.tsx';

describe('number widget parsing', () => {
  it('reads complete numbers, rounding for int widgets', () => {
    expect(parseNumber('7.5', false)).toBe(7.5);
    expect(parseNumber('7.5', true)).toBe(8);
    expect(parseNumber('-3', true)).toBe(-3);
    expect(parseNumber('1e3', true)).toBe(1000);
  });

  it('waits while the text is incomplete', () => {
    expect(parseNumber('', false)).toBeUndefined();
    expect(parseNumber('  ', false)).toBeUndefined();
    expect(parseNumber('-', false)).toBeUndefined();
    expect(parseNumber('abc', false)).toBeUndefined();
  });
});
