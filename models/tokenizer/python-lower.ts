import { CASE_IGNORABLE_RANGES, CASED_RANGES } from './python-case.ts';

const CAPITAL_SIGMA = 0x3a3;
const ASCII_ONLY = /^\p{ASCII}*$/u;

/** Whether `codePoint` lies in one of the inclusive [first, last] pairs of `ranges`. */
function inRanges(ranges: readonly number[], codePoint: number): boolean {
  let low = 0;
  let high = ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < ranges[2 * middle]) high = middle - 1;
    else if (codePoint > ranges[2 * middle + 1]) low = middle + 1;
    else return true;
  }
  return false;
}

const isCased = (codePoint: number) => inRanges(CASED_RANGES, codePoint);
const isCaseIgnorable = (codePoint: number) => inRanges(CASE_IGNORABLE_RANGES, codePoint);

/** Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorables), none after. */
function isFinalSigma(codePoints: number[], i: number): boolean {
  let before = i - 1;
  while (before >= 0 && isCaseIgnorable(codePoints[before])) before--;
  if (before < 0 || !isCased(codePoints[before])) return false;
  let after = i + 1;
  while (after < codePoints.length && isCaseIgnorable(codePoints[after])) after++;
  return after === codePoints.length || !isCased(codePoints[after]);
}

/**
 * Python's `str.lower()` for the Unicode version of the Python that produced `python-case.ts`:
 * JS mappings agree with it wherever that version knows the character as cased, but newer JS
 * engines also lowercase letters added since, and some characters changed their case
 * properties (so Σ becomes σ or ς in different places).
 */
export function pythonLower(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  const codePoints = Array.from(text, (char) => char.codePointAt(0)!);
  let out = '';
  codePoints.forEach((codePoint, i) => {
    if (codePoint === CAPITAL_SIGMA) out += isFinalSigma(codePoints, i) ? '\u03c2' : '\u03c3';
    else if (isCased(codePoint)) out += String.fromCodePoint(codePoint).toLowerCase();
    else out += String.fromCodePoint(codePoint);
  });
  return out;
}
