/** The words of the synthetic shapes dataset: what the tiny model can draw. */

export type Rgb = readonly [number, number, number];

export const COLOURS = {
  red: [220, 30, 30],
  green: [40, 170, 60],
  blue: [30, 70, 220],
  yellow: [245, 215, 40],
  orange: [245, 135, 25],
  purple: [135, 45, 175],
  white: [245, 245, 245],
  black: [15, 15, 15],
} as const satisfies Record<string, Rgb>;

export type ColourName = keyof typeof COLOURS;
export const COLOUR_NAMES = Object.keys(COLOURS) as ColourName[];

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export type ShapeName = (typeof SHAPES)[number];

/** Half the shape's extent in pixels of a 64x64 image; `medium` is what a caption without a size word means. */
export const SIZES = { small: 8, medium: 14, large: 21 } as const;
export type SizeName = keyof typeof SIZES;

/** Shape centres in pixels; `centre` is what a caption without a position word means. */
export const POSITIONS = {
  centre: [32, 32],
  left: [18, 32],
  right: [46, 32],
  top: [32, 18],
  bottom: [32, 46],
} as const satisfies Record<string, readonly [number, number]>;
export type PositionName = keyof typeof POSITIONS;

export const IMAGE_SIZE = 64;

/** The named colour nearest to `rgb` (Euclidean in RGB), the yardstick the colour tests use. */
export function nearestColour(rgb: Rgb): ColourName {
  let best: ColourName = COLOUR_NAMES[0];
  let bestDistance = Infinity;
  for (const name of COLOUR_NAMES) {
    const [r, g, b] = COLOURS[name];
    const distance = (rgb[0] - r) ** 2 + (rgb[1] - g) ** 2 + (rgb[2] - b) ** 2;
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}
