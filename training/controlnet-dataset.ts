/**
 * The dataset for the shapes-tiny Canny ControlNet (data/controlnet/shapes-tiny-canny.safetensors): shapes
 * scenes, each with its Canny edge map and captions with and without position words, so that the edge map,
 * not the words, has to say where the shapes are.
 *   node --import tsx training/controlnet-dataset.ts --out <dir> --count N --seed S
 * writes images.npy, captions.jsonl and meta.json as shapes-dataset.ts does, tokens.npy as int32
 * [N, 2 * CAPTIONS_PER_IMAGE, 77] (the first half the dataset's captions, which name a position where the
 * shape is not centred, the second half captions without any position word) and edges.npy (uint8
 * [N, 64, 64], 1 on an edge).
 *
 * The edge map is the product's Canny (models/image/canny.ts, the Canny node's default thresholds) over the
 * scene's silhouette: its shapes in white on black. Over the coloured scene itself the luma of some colour
 * pairs is too close for any edge (red on blue differ by 12 of 255), and the ControlNet would learn that
 * some shapes have no outline.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { canny, grayFromRgb } from '../models/image/index.ts';
import { ClipTokenizer } from '../models/tokenizer/index.ts';
import { encodeNpy } from './npy.ts';
import { createRandom, type Random } from './seeded-random.ts';
import { CENTRED_PHRASINGS, captionScene, describeShape } from './shapes-captions.ts';
import { CAPTIONS_PER_IMAGE } from './shapes-dataset.ts';
import { renderScene } from './shapes-render.ts';
import { sampleScene, type Scene } from './shapes-scenes.ts';
import { COLOURS, IMAGE_SIZE } from './shapes-vocabulary.ts';

/** The Canny node's defaults (nodes/canny.ts). */
export const CANNY_THRESHOLDS = { low: 0.4, high: 0.8 };
const CONTEXT_LENGTH = 77;
/** The phrasings without a position word (the last centred one says "in the centre"). */
const UNPLACED_PHRASINGS = CENTRED_PHRASINGS.slice(0, 5);

const withArticle = (words: string) => (/^[aeiou]/.test(words) ? `an ${words}` : `a ${words}`);

/** The scene's shapes in white on black: the picture whose edges are the control image. */
export function silhouette(scene: Scene): Scene {
  return { background: 'black', shapes: scene.shapes.map((shape) => ({ ...shape, colour: 'white' })) };
}

/** 1 on an edge of the scene's silhouette, else 0, row after row. */
export function edgeMap(scene: Scene): Uint8Array {
  return canny(grayFromRgb(renderScene(silhouette(scene)), IMAGE_SIZE, IMAGE_SIZE), CANNY_THRESHOLDS);
}

/** `count` captions of the scene that name its colours, shapes and sizes but no position. */
function unplacedCaptions(scene: Scene, random: Random, count: number): string[] {
  const [first, ...rest] = scene.shapes.map(describeShape);
  const words = [first, ...rest.map(withArticle)].join(' and ');
  return Array.from({ length: count }, () => random.pick(UNPLACED_PHRASINGS)(words, scene.background));
}

function writeAtomically(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string', default: '11' } } });
  const count = Number(values.count);
  if (!values.out || !Number.isInteger(count) || count < 1) {
    process.stderr.write('usage: controlnet-dataset.ts --out <dir> --count <N> [--seed <S>]\n');
    return 2;
  }
  const tokenizer = await ClipTokenizer.load(resolve('data'));
  const random = createRandom(Number(values.seed));
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  const captionsPerImage = 2 * CAPTIONS_PER_IMAGE;
  const images = new Uint8Array(count * pixels * 3);
  const edges = new Uint8Array(count * pixels);
  const tokens = new Int32Array(count * captionsPerImage * CONTEXT_LENGTH);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const scene = sampleScene(random);
    const captions = [...captionScene(scene, random, CAPTIONS_PER_IMAGE), ...unplacedCaptions(scene, random, CAPTIONS_PER_IMAGE)];
    images.set(renderScene(scene), i * pixels * 3);
    edges.set(edgeMap(scene), i * pixels);
    captions.forEach((caption, k) => tokens.set(tokenizer.encodeForModel(caption).ids, (i * captionsPerImage + k) * CONTEXT_LENGTH));
    lines.push(JSON.stringify({ scene, captions }));
  }
  mkdirSync(values.out, { recursive: true });
  writeAtomically(join(values.out, 'images.npy'), encodeNpy(images, [count, IMAGE_SIZE, IMAGE_SIZE, 3]));
  writeAtomically(join(values.out, 'edges.npy'), encodeNpy(edges, [count, IMAGE_SIZE, IMAGE_SIZE]));
  writeAtomically(join(values.out, 'tokens.npy'), encodeNpy(tokens, [count, captionsPerImage, CONTEXT_LENGTH]));
  writeAtomically(join(values.out, 'captions.jsonl'), `${lines.join('\n')}\n`);
  const meta = {
    count, seed: Number(values.seed), captionsPerImage, colours: COLOURS, cannyThresholds: CANNY_THRESHOLDS,
    emptyPromptIds: Array.from(tokenizer.encodeForModel('').ids),
  };
  writeAtomically(join(values.out, 'meta.json'), JSON.stringify(meta));
  process.stdout.write(`wrote ${count} examples to ${values.out}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
