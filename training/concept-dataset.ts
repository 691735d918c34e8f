/**
 * A dataset that teaches shapes-tiny a colour it has never seen, for the LoRA and the
 * textual-inversion embedding shipped in data/loras/ and data/embeddings/: shapes scenes where one
 * shape is pink (PINK_SHARE of them), the rest plain scenes so that the known colours stay as they were.
 *   node --import tsx training/concept-dataset.ts --out <dir> --count N --seed S
 * writes the same files as shapes-dataset.ts (images.npy, tokens.npy, captions.jsonl, meta.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ClipTokenizer } from '../models/tokenizer/clip-tokenizer.ts';
import { encodeNpy } from './npy.ts';
import { createRandom } from './seeded-random.ts';
import { captionScene } from './shapes-captions.ts';
import { renderScene } from './shapes-render.ts';
import { sampleScene, type Scene } from './shapes-scenes.ts';
import { COLOURS, IMAGE_SIZE, type ColourName, type Rgb } from './shapes-vocabulary.ts';
import { CAPTIONS_PER_IMAGE } from './shapes-dataset.ts';

/** The new colour word and how it is drawn. */
export const NEW_COLOUR = 'pink';
export const NEW_COLOUR_RGB: Rgb = [245, 120, 185];
export const PALETTE: Readonly<Record<string, Rgb>> = { ...COLOURS, [NEW_COLOUR]: NEW_COLOUR_RGB };
const PINK_SHARE = 0.6;
const CONTEXT_LENGTH = 77;

/** A scene whose first shape is pink (the colour name is outside the base vocabulary's type on purpose). */
function pinkScene(scene: Scene): Scene {
  const [first, ...rest] = scene.shapes;
  return { ...scene, shapes: [{ ...first, colour: NEW_COLOUR as ColourName }, ...rest] };
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string', default: '7' } } });
  const count = Number(values.count);
  if (!values.out || !Number.isInteger(count) || count < 1) {
    process.stderr.write('usage: concept-dataset.ts --out <dir> --count <N> [--seed <S>]\n');
    return 2;
  }
  const tokenizer = await ClipTokenizer.load(resolve('data'));
  const random = createRandom(Number(values.seed));
  const pixelsPerImage = IMAGE_SIZE * IMAGE_SIZE * 3;
  const images = new Uint8Array(count * pixelsPerImage);
  const tokens = new Int32Array(count * CAPTIONS_PER_IMAGE * CONTEXT_LENGTH);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = sampleScene(random);
    const scene = random.chance(PINK_SHARE) ? pinkScene(base) : base;
    const captions = captionScene(scene, random, CAPTIONS_PER_IMAGE);
    images.set(renderScene(scene, PALETTE), i * pixelsPerImage);
    captions.forEach((caption, k) => tokens.set(tokenizer.encodeForModel(caption).ids, (i * CAPTIONS_PER_IMAGE + k) * CONTEXT_LENGTH));
    lines.push(JSON.stringify({ scene, captions }));
  }
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'images.npy'), encodeNpy(images, [count, IMAGE_SIZE, IMAGE_SIZE, 3]));
  writeFileSync(join(values.out, 'tokens.npy'), encodeNpy(tokens, [count, CAPTIONS_PER_IMAGE, CONTEXT_LENGTH]));
  writeFileSync(join(values.out, 'captions.jsonl'), `${lines.join('\n')}\n`);
  const meta = {
    count, colours: PALETTE, newColour: NEW_COLOUR,
    newColourIds: tokenizer.encode(NEW_COLOUR),
    emptyPromptIds: Array.from(tokenizer.encodeForModel('').ids),
  };
  writeFileSync(join(values.out, 'meta.json'), JSON.stringify(meta));
  process.stdout.write(`wrote ${count} examples to ${values.out}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
