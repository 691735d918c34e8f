/** End-of-word marker CLIP appends to the last symbol of every word. */
const END_OF_WORD = '</w>';
/** Heap keys are rank * 2^32 + position: lowest rank first, then leftmost. */
const POSITIONS = 2 ** 32;

/**
 * Byte-pair encoding with CLIP's merge table: start from single characters (the last one
 * carrying `</w>`), then repeatedly merge every occurrence (left to right, not overlapping) of
 * the adjacent pair with the lowest rank until no pair has a rank.
 *
 * Pairs wait in a heap instead of being rescanned after every merge, so a pathological
 * 20,000-letter word takes milliseconds rather than seconds; the result is the same.
 */
export class BytePairEncoder {
  private readonly ranks: Map<string, number>;

  constructor(merges: readonly string[]) {
    this.ranks = new Map();
    for (let rank = 0; rank < merges.length; rank++) this.ranks.set(merges[rank], rank);
  }

  /** The symbols of one word, whose characters are byte-table characters. */
  encode(word: string): string[] {
    const symbols = [...word];
    symbols[symbols.length - 1] += END_OF_WORD;
    const count = symbols.length;
    const next = Int32Array.from({ length: count }, (_, i) => (i + 1 < count ? i + 1 : -1));
    const previous = Int32Array.from({ length: count }, (_, i) => i - 1);
    const alive = new Uint8Array(count).fill(1);
    const rankAt = (i: number) => (next[i] < 0 ? undefined : this.ranks.get(`${symbols[i]} ${symbols[next[i]]}`));
    const queue = new MinHeap();
    const enqueue = (i: number) => {
      const rank = rankAt(i);
      if (rank !== undefined) queue.push(rank * POSITIONS + i);
    };
    for (let i = 0; i + 1 < count; i++) enqueue(i);

    while (queue.size > 0) {
      // One pass: every occurrence of the lowest-ranked pair, left to right.
      const rank = Math.floor(queue.peek() / POSITIONS);
      const merged: number[] = [];
      while (queue.size > 0 && Math.floor(queue.peek() / POSITIONS) === rank) {
        const i = queue.pop() % POSITIONS;
        if (!alive[i] || rankAt(i) !== rank) continue;
        const right = next[i];
        symbols[i] += symbols[right];
        alive[right] = 0;
        next[i] = next[right];
        if (next[right] >= 0) previous[next[right]] = i;
        merged.push(i);
      }
      // The pairs the pass formed compete only from the next pass on, as in the reference.
      for (const i of merged) {
        if (!alive[i]) continue;
        if (previous[i] >= 0) enqueue(previous[i]);
        enqueue(i);
      }
    }
    const out: string[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(symbols[i]);
    return out;
  }
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items[0];
  }

  push(value: number): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= items.length) break;
        if (child + 1 < items.length && items[child + 1] < items[child]) child++;
        if (items[child] >= last) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
