import type { Random } from './seeded-random.ts';
import type { PlacedShape, Scene } from './shapes-scenes.ts';

function withArticle(words: string): string {
  return /^[aeiou]/.test(words) ? `an ${words}` : `a ${words}`;
}

/** "red circle", "small red circle": the size word is left out for medium shapes. */
export function describeShape(shape: PlacedShape): string {
  return shape.size === 'medium' ? `${shape.colour} ${shape.shape}` : `${shape.size} ${shape.colour} ${shape.shape}`;
}

/** Phrasings for one shape at the centre: (shape words, background colour) -> caption. */
export const CENTRED_PHRASINGS: ReadonlyArray<(shape: string, background: string) => string> = [
  (s, bg) => `${withArticle(s)} on ${withArticle(bg)} background`,
  (s, bg) => `${bg} background with ${withArticle(s)}`,
  (s, bg) => `${withArticle(s)} on ${bg}`,
  (s, bg) => `${withArticle(s)}, ${bg} background`,
  (s, bg) => `${s} on ${withArticle(bg)} background`,
  (s, bg) => `${withArticle(s)} in the centre of ${withArticle(bg)} background`,
];

const PLACED_PHRASINGS: ReadonlyArray<(shape: string, position: string, background: string) => string> = [
  (s, p, bg) => `${withArticle(s)} on the ${p} of ${withArticle(bg)} background`,
  (s, p, bg) => `${withArticle(s)} on the ${p}, ${bg} background`,
  (s, p, bg) => `${bg} background with ${withArticle(s)} on the ${p}`,
  (s, p, bg) => `${withArticle(s)} at the ${p} on ${withArticle(bg)} background`,
];

const PAIR_PHRASINGS: ReadonlyArray<(first: PlacedShape, second: PlacedShape, background: string) => string> = [
  (a, b, bg) => `${withArticle(describeShape(a))} and ${withArticle(describeShape(b))} on ${withArticle(bg)} background`,
  (a, b, bg) => `${bg} background with ${withArticle(describeShape(a))} and ${withArticle(describeShape(b))}`,
  (a, b, bg) => `${withArticle(describeShape(a))} on the ${a.position} and ${withArticle(describeShape(b))} on the ${b.position}, ${bg} background`,
  (a, b, bg) => `${withArticle(describeShape(a))} and ${withArticle(describeShape(b))}, ${bg} background`,
];

function allCaptions(scene: Scene): string[] {
  const { background, shapes } = scene;
  if (shapes.length === 2) return PAIR_PHRASINGS.map((phrase) => phrase(shapes[0], shapes[1], background));
  const [shape] = shapes;
  const words = describeShape(shape);
  if (shape.position === 'centre') return CENTRED_PHRASINGS.map((phrase) => phrase(words, background));
  return PLACED_PHRASINGS.map((phrase) => phrase(words, shape.position, background));
}

/**
 * `count` different captions of the scene in random phrasings. Now and then the last one
 * leaves the background out, so a prompt without one still draws the shape.
 */
export function captionScene(scene: Scene, random: Random, count: number): string[] {
  const pool = allCaptions(scene);
  const captions: string[] = [];
  while (captions.length < count) {
    const remaining = pool.filter((caption) => !captions.includes(caption));
    captions.push(random.pick(remaining.length > 0 ? remaining : pool));
  }
  if (random.chance(0.15)) {
    captions[count - 1] = scene.shapes.map((shape) => withArticle(describeShape(shape))).join(' and ');
  }
  return captions;
}
