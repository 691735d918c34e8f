import type { Random } from './seeded-random.ts';
import {
  COLOUR_NAMES, POSITIONS, SHAPES, SIZES,
  type ColourName, type PositionName, type ShapeName, type SizeName,
} from './shapes-vocabulary.ts';

export interface PlacedShape {
  shape: ShapeName;
  colour: ColourName;
  size: SizeName;
  position: PositionName;
  /** Centre in pixels, the named position plus a little jitter. */
  x: number;
  y: number;
  /** Half the extent in pixels. */
  radius: number;
}

export interface Scene {
  background: ColourName;
  shapes: PlacedShape[];
}

const SINGLE_JITTER = 3;
const PAIR_JITTER = 2;

function place(random: Random, shape: Omit<PlacedShape, 'x' | 'y' | 'radius'>, jitter: number): PlacedShape {
  const [x, y] = POSITIONS[shape.position];
  const offset = (): number => (random.next() * 2 - 1) * jitter;
  return { ...shape, x: x + offset(), y: y + offset(), radius: SIZES[shape.size] + offset() / 2 };
}

function colourOtherThan(random: Random, background: ColourName): ColourName {
  return random.pick(COLOUR_NAMES.filter((name) => name !== background));
}

function singleShape(random: Random, background: ColourName): PlacedShape[] {
  const position: PositionName = random.chance(0.55) ? 'centre' : random.pick(['left', 'right', 'top', 'bottom'] as const);
  const roll = random.next();
  let size: SizeName = roll < 0.45 ? 'medium' : roll < 0.75 ? 'large' : 'small';
  if (position !== 'centre' && size === 'large') size = 'medium';
  const shape = { shape: random.pick(SHAPES), colour: colourOtherThan(random, background), size, position };
  return [place(random, shape, SINGLE_JITTER)];
}

function shapePair(random: Random, background: ColourName): PlacedShape[] {
  const [first, second] = random.chance(0.7) ? (['left', 'right'] as const) : (['top', 'bottom'] as const);
  return [first, second].map((position) => place(random, {
    shape: random.pick(SHAPES),
    colour: colourOtherThan(random, background),
    size: random.chance(0.5) ? 'small' : 'medium',
    position,
  }, PAIR_JITTER));
}

/** One random scene: one shape (70%) or two, never in the background's colour. */
export function sampleScene(random: Random): Scene {
  const background = random.pick(COLOUR_NAMES);
  const shapes = random.chance(0.7) ? singleShape(random, background) : shapePair(random, background);
  return { background, shapes };
}
