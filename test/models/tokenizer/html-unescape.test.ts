import { describe, expect, it } from 'vitest';
import { DROPPED_CODE_POINTS, NAMED_REFERENCES } from '../../../models/tokenizer/html-entities.ts';
import { unescapeHtml } from '../../../models/tokenizer/html-unescape.ts';

describe('unescapeHtml (Python html.unescape rules)', () => {
  it('decodes named references with and without the semicolon where HTML allows it', () => {
    expect(unescapeHtml('&amp; &lt; &gt; &quot; &nbsp;')).toBe('& < > " \u00a0');
    expect(unescapeHtml('&amp &lt &copy')).toBe('& < \u00a9');
    expect(unescapeHtml('&NotEqualTilde;')).toBe('\u2242\u0338');
  });

  it('decodes a legacy name that prefixes a longer word and keeps the rest', () => {
    expect(unescapeHtml('&lt3')).toBe('<3');
    expect(unescapeHtml('&ampamp;')).toBe('&amp;');
    expect(unescapeHtml('&notit;')).toBe('\u00acit;');
  });

  it('leaves unknown names and bare ampersands alone', () => {
    expect(unescapeHtml('&bogus; & &#; &#x;')).toBe('&bogus; & &#; &#x;');
    expect(unescapeHtml('fish&chips')).toBe('fish&chips');
  });

  it('decodes once per call', () => {
    expect(unescapeHtml('&amp;amp;')).toBe('&amp;');
  });

  it('decodes decimal and hex numbers with HTML replacement rules', () => {
    expect(unescapeHtml('&#65;&#x42;&#X43;&#68')).toBe('ABCD');
    expect(unescapeHtml('&#128512;')).toBe('😀');
    expect(unescapeHtml('&#x80;&#150;')).toBe('\u20ac\u2013');
    expect(unescapeHtml('&#0;&#xD800;&#x110000;&#99999999999999999999;')).toBe('\ufffd'.repeat(4));
    expect(unescapeHtml('a&#x1;b&#11;c&#xFFFF;d&#x7f;e')).toBe('abcde');
    expect(unescapeHtml('&#13;')).toBe('\r');
    expect(unescapeHtml('&#0000065;&#x00000041;&#000;')).toBe('AA\ufffd');
    expect(unescapeHtml(`&#${'9'.repeat(100_000)};`)).toBe('\ufffd');
  });

  it('knows all 2231 HTML5 names, 106 of them legacy names without ";"', () => {
    const names = Object.keys(NAMED_REFERENCES);
    expect(names).toHaveLength(2231);
    expect(names.filter((name) => !name.endsWith(';'))).toHaveLength(106);
    expect(DROPPED_CODE_POINTS.size).toBe(126);
  });

  it('looks at most 32 name characters', () => {
    const long = 'x'.repeat(40);
    expect(unescapeHtml(`&${long};`)).toBe(`&${long};`);
  });
});
