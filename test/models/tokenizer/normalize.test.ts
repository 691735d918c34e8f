import { describe, expect, it } from 'vitest';
import { normalizePrompt } from '../../../models/tokenizer/index.ts';

describe('normalizePrompt', () => {
  it('collapses every Unicode White_Space run to one space and trims', () => {
    expect(normalizePrompt('\u3000a\u00a0\u2028\tb\u0085c\u205f ')).toBe('a b c');
  });

  it('keeps U+FEFF and zero-width space, which are not whitespace in Python', () => {
    expect(normalizePrompt('a\ufeffb\u200bc')).toBe('a\ufeffb\u200bc');
  });

  it('trims the information separators U+001C..U+001F at the ends only, like str.strip', () => {
    expect(normalizePrompt('\x1c a\x1fb \x1d')).toBe('a\x1fb');
  });

  it('lowercases with final-sigma handling', () => {
    expect(normalizePrompt('ΟΔΥΣΣΕΥΣ')).toBe('οδυσσευς');
    expect(normalizePrompt('İ')).toBe('i\u0307');
  });

  it('unescapes HTML twice before collapsing whitespace', () => {
    expect(normalizePrompt('a&amp;nbsp;&nbsp;b &amp;amp;amp;')).toBe('a b &amp;');
  });
});
