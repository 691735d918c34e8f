import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectedTensors, TINY_SD15_CONFIG } from './sd15/index.ts';
import { stableDiffusionExtras, syntheticTensors, writeSafetensors } from './checkpoint/index.ts';
import { conversionSource, convertCheckpoint, existingConversion } from './convert/index.ts';
import { hasTokenizerFiles } from './tokenizer/tokenizer-files.ts';

export const TINY_MODEL_NAME = 'tiny';
const TINY_SEED = 1;

/** The code a process runs does not change while it runs: hashed once (LoadModel asks on every run). */
let networkCode: string | undefined;

/**
 * Identifies what the tiny models are made from: a change of the tiny config or of the network
 * code (models/sd15, models/onnx) regenerates them, so tests never run outdated graphs.
 */
const tinySourceId = () => ({
  generator: 'latentflow-synthetic',
  seed: TINY_SEED,
  config: TINY_SD15_CONFIG,
  networkCode: networkCode ??= hashSources(['sd15', 'onnx'].map((folder) => fileURLToPath(new URL(`./${folder}/`, import.meta.url)))),
});

function hashSources(folders: string[]): string {
  const hash = createHash('sha256');
  for (const folder of folders) {
    for (const name of readdirSync(folder).filter((file) => file.endsWith('.ts')).sort()) {
      hash.update(name).update(readFileSync(join(folder, name)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Makes sure `<dataDir>/models/tiny` holds the tiny random-weight SD 1.5 models and returns the
 * folder. They are generated as a synthetic checkpoint and converted by the real converter; the
 * bytes are the same every time. Concurrent callers (other processes too) end up with one folder.
 */
export function ensureTinyModels(dataDir: string): Promise<string> {
  const target = resolve(dataDir, 'models', TINY_MODEL_NAME);
  let pending = inFlight.get(target);
  if (!pending) {
    pending = generate(resolve(dataDir), target).finally(() => inFlight.delete(target));
    inFlight.set(target, pending);
  }
  return pending;
}

async function generate(dataDir: string, target: string): Promise<string> {
  const sourceId = tinySourceId();
  // The tests' fixture: float weights keep its outputs comparable with the float references.
  const weights = { unetWeights: 'float' } as const;
  if (existingConversion(target, conversionSource(sourceId, weights))) return target;
  const checkpoint = join(tmpdir(), `latentflow-tiny-${process.pid}-${randomBytes(4).toString('hex')}.safetensors`);
  try {
    writeSafetensors(checkpoint, [
      ...syntheticTensors(expectedTensors(TINY_SD15_CONFIG), { seed: TINY_SEED }),
      ...stableDiffusionExtras(),
    ]);
    await convertCheckpoint(checkpoint, target, { ...weights, sourceId, tokenizerDir: hasTokenizerFiles(dataDir) ? dataDir : undefined });
  } finally {
    rmSync(checkpoint, { force: true });
  }
  return target;
}
