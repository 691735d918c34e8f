/** End-of-word marker CLIP appends to the last symbol of every word. */
const END_OF_WORD = '</w>';

/**
 * Byte-pair encoding with CLIP's merge table: start from single characters (the last one
 * carrying `</w>`), then repeatedly merge every occurrence of the adjacent pair with the
 * lowest rank until no pair has a rank.
 */
export class BytePairEncoder {
  private readonly ranks: Map<string, number>;

  constructor(merges: readonly string[]) {
    this.ranks = new Map(merges.map((merge, rank) => [merge, rank]));
  }

  /** The symbols of one word, whose characters are byte-table characters. */
  encode(word: string): string[] {
    let symbols = [...word];
    symbols[symbols.length - 1] += END_OF_WORD;
    while (symbols.length > 1) {
      const best = this.lowestRankedPair(symbols);
      if (best === undefined) break;
      symbols = mergePair(symbols, best[0], best[1]);
    }
    return symbols;
  }

  private lowestRankedPair(symbols: string[]): [string, string] | undefined {
    let bestRank = Infinity;
    let best: [string, string] | undefined;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = [symbols[i], symbols[i + 1]];
      }
    }
    return best;
  }
}

/** Replaces each non-overlapping occurrence of `first second`, scanning left to right. */
function mergePair(symbols: string[], first: string, second: string): string[] {
  const merged: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === first && symbols[i + 1] === second) {
      merged.push(first + second);
      i++;
    } else {
      merged.push(symbols[i]);
    }
  }
  return merged;
}
