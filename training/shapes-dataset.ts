/**
 * The synthetic shapes dataset: seeded scenes, their captions and their pixels, and a CLI
 * that dumps them for the Python training script:
 *   node --import tsx training/shapes-dataset.ts --out <dir> --count N --seed S
 * writes images.npy (uint8 [N,64,64,3]), tokens.npy (int32 [N,K,77]: the ids inference uses),
 * captions.jsonl (one scene per line) and meta.json (the colour palette, the empty prompt's ids).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ClipTokenizer } from '../models/tokenizer/index.ts';
import { encodeNpy } from './npy.ts';
import { createRandom } from './seeded-random.ts';
import { captionScene } from './shapes-captions.ts';
import { renderScene } from './shapes-render.ts';
import { sampleScene, type Scene } from './shapes-scenes.ts';
import { COLOURS, IMAGE_SIZE } from './shapes-vocabulary.ts';

export const CAPTIONS_PER_IMAGE = 4;
const CONTEXT_LENGTH = 77;

export interface Example {
  scene: Scene;
  captions: string[];
}

/** The first `count` examples of the dataset drawn with `seed`; the same arguments give the same examples. */
export function generateExamples(count: number, seed: number): Example[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const scene = sampleScene(random);
    return { scene, captions: captionScene(scene, random, CAPTIONS_PER_IMAGE) };
  });
}

function writeAtomically(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

async function writeDataset(outDir: string, count: number, seed: number): Promise<void> {
  const tokenizer = await ClipTokenizer.load(resolve('data'));
  const examples = generateExamples(count, seed);
  const pixelsPerImage = IMAGE_SIZE * IMAGE_SIZE * 3;
  const images = new Uint8Array(count * pixelsPerImage);
  const tokens = new Int32Array(count * CAPTIONS_PER_IMAGE * CONTEXT_LENGTH);
  examples.forEach((example, i) => {
    images.set(renderScene(example.scene), i * pixelsPerImage);
    example.captions.forEach((caption, k) => {
      tokens.set(tokenizer.encodeForModel(caption).ids, (i * CAPTIONS_PER_IMAGE + k) * CONTEXT_LENGTH);
    });
  });
  mkdirSync(outDir, { recursive: true });
  writeAtomically(join(outDir, 'images.npy'), encodeNpy(images, [count, IMAGE_SIZE, IMAGE_SIZE, 3]));
  writeAtomically(join(outDir, 'tokens.npy'), encodeNpy(tokens, [count, CAPTIONS_PER_IMAGE, CONTEXT_LENGTH]));
  writeAtomically(join(outDir, 'captions.jsonl'), examples.map((example) => JSON.stringify(example)).join('\n') + '\n');
  const meta = {
    count, seed, captionsPerImage: CAPTIONS_PER_IMAGE, colours: COLOURS,
    emptyPromptIds: Array.from(tokenizer.encodeForModel('').ids),
  };
  writeAtomically(join(outDir, 'meta.json'), JSON.stringify(meta));
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string', default: '1' } } });
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!values.out || !Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: shapes-dataset.ts --out <dir> --count <N> [--seed <S>]\n');
    return 2;
  }
  await writeDataset(values.out, count, seed);
  process.stdout.write(`wrote ${count} examples (seed ${seed}) to ${values.out}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
