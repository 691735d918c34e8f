/**
 * How prompt weights change the text encoder's output (one [77, width] block per chunk).
 *   a1111: A1111's "Original" emphasis (modules/sd_hijack_clip.py, process_tokens): each chunk's
 *     hidden states are multiplied by their token's weight, then the chunk is rescaled so that its
 *     mean equals the mean before weighting.
 *   comfyui: ComfyUI's default (comfy/sd1_clip.py, encode_token_weights): a token with weight w
 *     becomes z_empty + w * (z - z_empty), z_empty being the empty prompt's output at that position.
 */
export const EMPHASIS_MODES = ['comfyui', 'a1111'] as const;
export type EmphasisMode = (typeof EMPHASIS_MODES)[number];

/** `hidden` [chunks * positions, width] weighted per position, in place. */
export function applyA1111Emphasis(hidden: Float32Array, weights: Float32Array, width: number, positions: number): void {
  const block = positions * width;
  for (let start = 0; start < hidden.length; start += block) {
    const chunk = hidden.subarray(start, start + block);
    const before = mean(chunk);
    for (let i = 0; i < chunk.length; i++) chunk[i] *= weights[start / width + Math.floor(i / width)];
    const after = mean(chunk);
    const rescale = before / after;
    for (let i = 0; i < chunk.length; i++) chunk[i] *= rescale;
  }
}

/** `hidden` [chunks * positions, width] moved from the empty prompt's `empty` [positions, width], in place. */
export function applyComfyEmphasis(hidden: Float32Array, empty: Float32Array, weights: Float32Array, width: number, positions: number): void {
  for (let token = 0; token < weights.length; token++) {
    const weight = weights[token];
    if (weight === 1) continue;
    const at = token * width;
    const reference = (token % positions) * width;
    for (let k = 0; k < width; k++) hidden[at + k] = empty[reference + k] + weight * (hidden[at + k] - empty[reference + k]);
  }
}

/** Mean in float64, as torch accumulates float32 means in a wider type. */
function mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
