import { unescapeHtml } from './html-unescape.ts';

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
const EDGE_WHITESPACE = /^[\p{White_Space}\x1c-\x1f]+|[\p{White_Space}\x1c-\x1f]+$/gu;

function strip(text: string): string {
  return text.replace(EDGE_WHITESPACE, '');
}

/** The text CLIP tokenizes: HTML-unescaped twice, whitespace collapsed, trimmed, lowercased. */
export function normalizePrompt(text: string): string {
  const unescaped = strip(unescapeHtml(unescapeHtml(text)));
  return strip(unescaped.replace(WHITESPACE_RUN, ' ')).toLowerCase();
}
