/**
 * The sizes of an RRDBNet (ESRGAN, Wang et al. 2018; Real-ESRGAN, Wang et al. 2021), as read from its
 * weights. Real-ESRGAN's x2 and x1 models fold the image into channels first (pixel unshuffle by
 * `unshuffle`) and then upsample 4x, so the output scale is 2^upsamples / unshuffle.
 */
export interface RrdbnetConfig {
  /** Image channels in and out (3 for RGB). */
  channels: number;
  numFeat: number;
  numBlock: number;
  /** Channels each dense-block convolution adds ("grow" / `num_grow_ch`). */
  growth: number;
  /** Pixel-unshuffle factor before the first convolution: 1, 2 or 4. */
  unshuffle: number;
  /** Nearest-neighbour x2 upsampling steps, each followed by a convolution. */
  upsamples: number;
}

export const outputScale = (config: RrdbnetConfig): number => 2 ** config.upsamples / config.unshuffle;

/** Real-ESRGAN x4plus: RGB, 64 features, 23 blocks, growth 32. */
export const REAL_ESRGAN_X4PLUS: RrdbnetConfig = { channels: 3, numFeat: 64, numBlock: 23, growth: 32, unshuffle: 1, upsamples: 2 };
/** Real-ESRGAN x2plus: the x4plus network behind a 2x pixel unshuffle. */
export const REAL_ESRGAN_X2PLUS: RrdbnetConfig = { ...REAL_ESRGAN_X4PLUS, unshuffle: 2 };

const conv = (name: string, out: number, inp: number): [string, number[]][] => [
  [`${name}.weight`, [out, inp, 3, 3]],
  [`${name}.bias`, [out]],
];

/**
 * Every tensor of the network in the new (basicsr) layout, with its shape: `conv_first`,
 * `body.N.rdbK.convJ`, `conv_body`, `conv_upU`, `conv_hr`, `conv_last`.
 */
export function rrdbnetTensors(config: RrdbnetConfig): [string, number[]][] {
  const { channels, numFeat: nf, growth: gc } = config;
  const tensors = conv('conv_first', nf, channels * config.unshuffle ** 2);
  for (let b = 0; b < config.numBlock; b++) {
    for (let k = 1; k <= 3; k++) {
      for (let j = 1; j <= 5; j++) tensors.push(...conv(`body.${b}.rdb${k}.conv${j}`, j === 5 ? nf : gc, nf + (j - 1) * gc));
    }
  }
  tensors.push(...conv('conv_body', nf, nf));
  for (let u = 1; u <= config.upsamples; u++) tensors.push(...conv(`conv_up${u}`, nf, nf));
  tensors.push(...conv('conv_hr', nf, nf), ...conv('conv_last', channels, nf));
  return tensors;
}
