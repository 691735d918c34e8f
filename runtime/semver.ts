/**
 * Just enough of npm's semver ranges to check a plugin's `runtime` field:
 * `*`, `1`, `1.x`, `1.2.3`, `^1.2`, `~1.2`, `>=1.0.0 <2`, `^1 || ^2`. Prerelease tags are not supported.
 */
type Triple = [number, number, number];
type Comparator = (v: Triple) => boolean;

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/;

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The numbers given before the first wildcard, e.g. `1.x` -> [1]. */
function parsePartial(text: string): number[] | undefined {
  const match = PARTIAL.exec(text);
  if (!match) return undefined;
  const parts: number[] = [];
  for (const part of match.slice(1)) {
    if (part === undefined || !/^\d+$/.test(part)) break;
    parts.push(Number(part));
  }
  return parts;
}

const floor = (p: number[]): Triple => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];

/** The first version above everything `p` matches, e.g. `1.2` -> 1.3.0. */
function ceiling(p: number[]): Triple {
  if (p.length === 0) return [Infinity, 0, 0];
  const bumped = [...p];
  bumped[bumped.length - 1] += 1;
  return floor(bumped);
}

function between(low: Triple, high: Triple): Comparator {
  return (v) => compare(v, low) >= 0 && compare(v, high) < 0;
}

function caretCeiling(p: number[]): Triple {
  const firstNonZero = p.findIndex((n) => n !== 0);
  const index = firstNonZero === -1 ? p.length - 1 : firstNonZero;
  return ceiling(p.slice(0, Math.max(index + 1, 1)));
}

function parseComparator(token: string): Comparator | undefined {
  const match = /^(\^|~|>=|<=|>|<|=)?(.+)$/.exec(token);
  if (!match) return undefined;
  const [, operator, rest] = match;
  const p = parsePartial(rest);
  if (p === undefined) return undefined;
  switch (operator) {
    case '^':
      return between(floor(p), caretCeiling(p));
    case '~':
      return between(floor(p), ceiling(p.length >= 2 ? p.slice(0, 2) : p.slice(0, 1)));
    case '>=':
      return (v) => compare(v, floor(p)) >= 0;
    case '>':
      return (v) => compare(v, p.length === 3 ? floor(p) : ceiling(p)) >= (p.length === 3 ? 1 : 0);
    case '<':
      return (v) => compare(v, floor(p)) < 0;
    case '<=':
      return (v) => compare(v, p.length === 3 ? floor(p) : ceiling(p)) < (p.length === 3 ? 1 : 0);
    default:
      return between(floor(p), ceiling(p));
  }
}

/** Whether `version` (x.y.z) is inside `range`; an unreadable range matches nothing. */
export function satisfies(version: string, range: string): boolean {
  const v = parsePartial(version);
  if (v === undefined || v.length !== 3) return false;
  const target = floor(v);
  return range.split('||').some((set) => {
    const tokens = set.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    const comparators = tokens.map(parseComparator);
    if (comparators.some((c) => c === undefined)) return false;
    return comparators.every((c) => c!(target));
  });
}
