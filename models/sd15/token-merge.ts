import type { GraphBuilder } from '../onnx/graph.ts';
import { concat } from '../onnx/ops.ts';

/**
 * Token merging for Stable Diffusion (Bolya & Hoffman, "Token Merging for Fast Stable Diffusion", CVPRW 2023),
 * the bipartite soft matching of ToMe-SD, as graph ops:
 *
 * - dst: one token per full 2x2 cell of the token grid; src: every other token (rows or columns left over
 *   at an odd side are src too). ToMe-SD draws the cell's dst at random on every call; here it comes from a
 *   fixed pseudo-random 16x16-cell pattern (seed {@link DST_PATTERN_SEED}) tiled over the grid, so a variant
 *   gives the same image every run;
 * - similarity: cosine between each src and each dst token of the hidden states the block normalised
 *   (the ones attention sees); each src token's best dst is its most similar one (the first on a tie);
 * - the r = floor(ratio * N) src tokens (at most all of them) with the highest best similarity are merged into
 *   their dst: the dst becomes the mean of itself and the src tokens merged into it; the rest stay;
 * - the layer runs on the N - r tokens (kept src first, ranked by similarity, then dst) and unmerging gives
 *   each position the output row of the token it ended in.
 *
 * The grid's size is read from the feature map at run time, so one graph serves every latent size.
 */
export interface TokenMergeOptions {
  /** Fraction of a level's tokens merged away, 0 < ratio <= 0.75 (ToMe-SD's 0.5 halves them). */
  ratio: number;
  /**
   * Merge at the transformer blocks whose downsample factor is at most this: 1 (default, ToMe-SD's) the
   * highest resolution only, 2 also the next level.
   */
  maxDownsample?: number;
  /** Also merge before the feed-forward layer (ToMe-SD's merge_mlp; default only before self-attention). */
  mlp?: boolean;
}

export const DST_PATTERN_SEED = 0x70_3e;
const PATTERN_CELLS = 16;
/** The ratio is applied in integers, r = N * parts / RATIO_PARTS, as floor(ratio * N) of a ratio with 4 decimals. */
const RATIO_PARTS = 10_000;

/** The ratio as the graph applies it (4 decimals): equal for ratios that build the same graph. */
export const appliedMergeRatio = (ratio: number) => Math.round(ratio * RATIO_PARTS) / RATIO_PARTS;

/** One block's matching: `merge` [B, N, C] -> [B, N - r, C], `unmerge` [B, N - r, C] -> [B, N, C]. */
export interface TokenMatching {
  merge(tokens: string): string;
  unmerge(tokens: string): string;
}

/** Whether blocks at `level` (downsample factor 2^level) merge tokens. */
export const mergesAtLevel = (options: TokenMergeOptions, level: number) => 2 ** level <= (options.maxDownsample ?? 1);

/** The dst choice of each cell of the pattern, row-major: 0 top left, 1 top right, 2 bottom left, 3 bottom right. */
export function dstPattern(): number[] {
  let state = DST_PATTERN_SEED;
  return Array.from({ length: PATTERN_CELLS * PATTERN_CELLS }, () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state >>> 30;
  });
}

/**
 * Matches the tokens of `normed` [B, N, C] (N = H * W of `grid`, a [B, *, H, W] feature map) as described
 * above; `channels` is C.
 */
export function tokenMatching(g: GraphBuilder, normed: string, grid: string, channels: number, ratio: number): TokenMatching {
  const i64 = (values: number[]) => g.constant('int64', values);
  const scalar = (value: number) => g.constant('int64', [value], []);
  const dim = (x: string, axis: number) => g.op('Gather', [g.op('Shape', [x]), scalar(axis)]);
  const vector = (s: string) => g.op('Unsqueeze', [s, i64([0])]);
  const range = (start: string, end: string) => g.op('Range', [start, end, scalar(1)]);
  const mulI = (a: string, b: string) => g.op('Mul', [a, b]);
  const addI = (a: string, b: string) => g.op('Add', [a, b]);
  const flat = (x: string) => g.op('Reshape', [x, i64([-1])]);
  const rows = (x: string) => g.op('Reshape', [x, i64([-1, channels])]);
  const gather = (data: string, indices: string, axis = 0) => g.op('Gather', [data, indices], { axis });

  const batch = dim(normed, 0);
  const height = dim(grid, 2);
  const width = dim(grid, 3);
  const tokens = mulI(height, width);

  // dst: in cell (cy, cx) the token (2 cy + dy) * W + 2 cx + dx, (dy, dx) from the tiled pattern.
  const cellsY = g.op('Div', [height, scalar(2)]);
  const cellsX = g.op('Div', [width, scalar(2)]);
  const tiles = (cells: string) => g.op('Div', [addI(cells, scalar(PATTERN_CELLS - 1)), scalar(PATTERN_CELLS)]);
  const pattern = dstPattern();
  const cellPattern = (values: number[]) => {
    const table = g.constant('int64', values, [PATTERN_CELLS, PATTERN_CELLS]);
    const tiled = g.op('Tile', [table, concat(g, [vector(tiles(cellsY)), vector(tiles(cellsX))], 0)]);
    return g.op('Slice', [tiled, i64([0, 0]), concat(g, [vector(cellsY), vector(cellsX)], 0), i64([0, 1])]);
  };
  const dy = cellPattern(pattern.map((c) => c >> 1));
  const dx = cellPattern(pattern.map((c) => c & 1));
  const cy = g.op('Unsqueeze', [mulI(range(scalar(0), cellsY), scalar(2)), i64([1])]);
  const cx = mulI(range(scalar(0), cellsX), scalar(2));
  const dstIdx = flat(addI(mulI(addI(cy, dy), width), addI(cx, dx)));
  const dstCount = dim(dstIdx, 0);

  const zerosInt = (shape: string) => g.op('Expand', [scalar(0), shape]);
  const onesFloat = (shape: string) => g.op('Expand', [g.constant('float32', [1], []), shape]);
  const isDst = g.op('ScatterElements', [zerosInt(vector(tokens)), dstIdx, g.op('Expand', [scalar(1), vector(dstCount)])]);
  const srcIdx = flat(g.op('NonZero', [g.op('Equal', [isDst, scalar(0)])]));
  const srcCount = dim(srcIdx, 0);

  // Cosine similarity of every src token to every dst token; the src side's norm divides only each src token's
  // best score (it does not change which dst is best), and one TopK finds the best score and its dst together.
  const length = (x: string) => g.op('Max', [g.op('ReduceL2', [x, i64([-1])], { keepdims: 1 }), g.constant('float32', [1e-12], [])]);
  const src = gather(normed, srcIdx, 1);
  const dst = gather(normed, dstIdx, 1);
  const dstUnit = g.op('Div', [dst, length(dst)]);
  const similarity = g.op('MatMul', [src, g.op('Transpose', [dstUnit], { perm: [0, 2, 1] })]);
  const [topScore, topDst] = g.node('TopK', [similarity, i64([1])], { axis: -1, largest: 1, sorted: 1 }, { outputs: 2 });
  const squeeze = (x: string) => g.op('Squeeze', [x, i64([-1])]);
  const best = squeeze(g.op('Div', [topScore, length(src)]));
  const bestDst = squeeze(topDst);

  const mergeParts = Math.round(ratio * RATIO_PARTS);
  const r = g.op('Min', [g.op('Div', [mulI(tokens, scalar(mergeParts)), scalar(RATIO_PARTS)]), srcCount]);
  const [, ranked] = g.node('TopK', [best, vector(srcCount)], { axis: -1, largest: 1, sorted: 1 }, { outputs: 2 });
  const mergedSrc = g.op('Slice', [ranked, i64([0]), vector(r), i64([1])]);
  const keptSrc = g.op('Slice', [ranked, vector(r), vector(srcCount), i64([1])]);
  const mergedInto = g.op('GatherElements', [bestDst, mergedSrc], { axis: 1 });
  const keptPos = gather(srcIdx, keptSrc);
  const mergedPos = gather(srcIdx, mergedSrc);
  const keptCount = g.op('Sub', [srcCount, r]);

  // Rows of [B * N, C] (and of [B * Ndst, C], [B * (N - r), C]) are addressed with a per-batch offset.
  const batchRange = g.op('Unsqueeze', [range(scalar(0), batch), i64([1])]);
  const offset = (x: string, per: string) => flat(addI(x, mulI(batchRange, per)));
  const keptRows = offset(keptPos, tokens);
  const dstRows = offset(g.op('Unsqueeze', [dstIdx, i64([0])]), tokens);
  const mergedRows = offset(mergedPos, tokens);
  const mergedTargets = offset(mergedInto, dstCount);
  const dstTotal = mulI(batch, dstCount);
  const counts = g.op('Unsqueeze', [
    g.op('ScatterElements', [onesFloat(vector(dstTotal)), mergedTargets, onesFloat(vector(dim(mergedTargets, 0)))], { reduction: 'add' }),
    i64([1]),
  ]);
  const perBatch = (x: string) => g.op('Reshape', [x, concat(g, [vector(batch), i64([-1, channels])], 0)]);

  // Where each position's output is: its kept row, its dst's row, or the row of the dst it was merged into.
  const mergedLength = g.op('Sub', [tokens, r]);
  const byBatch = (x: string) => g.op('Expand', [g.op('Unsqueeze', [x, i64([0])]), concat(g, [vector(batch), i64([1])], 0)]);
  const positions = concat(g, [keptPos, byBatch(dstIdx), mergedPos], 1);
  const outputRow = concat(g, [byBatch(range(scalar(0), keptCount)), byBatch(range(keptCount, mergedLength)), addI(mergedInto, keptCount)], 1);
  const rowOf = g.op('ScatterElements', [zerosInt(concat(g, [vector(batch), vector(tokens)], 0)), positions, outputRow], { axis: 1 });
  const unmergeRows = offset(rowOf, mergedLength);

  return {
    merge(x) {
      const all = rows(x);
      const summed = g.op('ScatterND', [gather(all, dstRows), g.op('Unsqueeze', [mergedTargets, i64([1])]), gather(all, mergedRows)], { reduction: 'add' });
      return concat(g, [perBatch(gather(all, keptRows)), perBatch(g.op('Div', [summed, counts]))], 1);
    },
    unmerge(x) {
      return perBatch(gather(rows(x), unmergeRows));
    },
  };
}

/** `layer` applied to the merged tokens of `x`, its output unmerged; for a layer that treats tokens independently or attends among them. */
export const throughMerged = (matching: TokenMatching | undefined, x: string, layer: (tokens: string) => string) =>
  (matching ? matching.unmerge(layer(matching.merge(x))) : layer(x));
