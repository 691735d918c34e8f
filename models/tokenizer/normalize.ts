import { unescapeHtml } from './html-unescape.ts';
import { pythonLower } from './python-lower.ts';

/**
 * Runs of these collapse to one space. OpenAI's tokenizer does this with the `regex` module,
 * whose `\s` is exactly Unicode White_Space (unlike JS `\s`, it excludes U+FEFF).
 */
const WHITESPACE_RUN = /\p{White_Space}+/gu;

/**
 * Python's `str.strip()` set (`str.isspace()`): White_Space plus the separators U+001C..U+001F,
 * so those are trimmed at the ends but kept inside the text.
 */
// eslint-disable-next-line no-control-regex -- Python strips the separators U+001C..U+001F
const STRIPPED = /[\p{White_Space}\x1c-\x1f]/u;

/** Trims by scanning from both ends (an anchored regex would be quadratic on long inner whitespace). */
function strip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && STRIPPED.test(text[start])) start++;
  while (end > start && STRIPPED.test(text[end - 1])) end--;
  return text.slice(start, end);
}

/** The text CLIP tokenizes: HTML-unescaped twice, whitespace collapsed, trimmed, lowercased. */
export function normalizePrompt(text: string): string {
  const unescaped = strip(unescapeHtml(unescapeHtml(text)));
  return pythonLower(strip(unescaped.replace(WHITESPACE_RUN, ' ')));
}
