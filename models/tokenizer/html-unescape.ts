import { DROPPED_CODE_POINTS, NAMED_REFERENCES, REPLACED_CODE_POINTS } from './html-entities.ts';

/**
 * One character reference as Python's `html.unescape` finds it: a decimal or hex number,
 * or up to 32 name characters, each with an optional ";".
 */
const CHARACTER_REFERENCE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

const NAMED = new Map(Object.entries(NAMED_REFERENCES));

const REPLACEMENT_CHARACTER = '\uFFFD';

function decodeNumeric(reference: string): string {
  const hex = reference[1] === 'x' || reference[1] === 'X';
  const digits = reference.slice(hex ? 2 : 1).replace(/;$/, '').replace(/^0+(?=.)/, '');
  // Longer than "10ffff" / "1114111" is past the last code point (and cheap to reject).
  if (digits.length > (hex ? 6 : 7)) return REPLACEMENT_CHARACTER;
  const codePoint = Number.parseInt(digits, hex ? 16 : 10);
  if (codePoint > 0x10ffff) return REPLACEMENT_CHARACTER;
  const replaced = REPLACED_CODE_POINTS.get(codePoint);
  if (replaced !== undefined) return replaced;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return REPLACEMENT_CHARACTER;
  if (DROPPED_CODE_POINTS.has(codePoint)) return '';
  return String.fromCodePoint(codePoint);
}

function decodeNamed(reference: string): string {
  const whole = NAMED.get(reference);
  if (whole !== undefined) return whole;
  // Legacy names (e.g. "lt", "amp") also match as the longest prefix: "&lt3" is "<3".
  for (let length = reference.length - 1; length > 1; length--) {
    const prefix = NAMED.get(reference.slice(0, length));
    if (prefix !== undefined) return prefix + reference.slice(length);
  }
  return `&${reference}`;
}

/** Decodes HTML character references with the exact rules of Python's `html.unescape`. */
export function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARACTER_REFERENCE, (_match, reference: string) =>
    reference[0] === '#' ? decodeNumeric(reference) : decodeNamed(reference),
  );
}
