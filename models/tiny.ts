import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectedTensors, TINY_SD15_CONFIG } from './sd15/index.ts';
import { stableDiffusionExtras, syntheticTensors, writeSafetensors } from './checkpoint/index.ts';
import { conversionSource, convertCheckpoint, existingConversion } from './convert.ts';

export const TINY_MODEL_NAME = 'tiny';
const TINY_SEED = 1;

/** Identifies the generated checkpoint: a change of the tiny config regenerates the models. */
const tinySourceId = () => ({ generator: 'latentflow-synthetic', seed: TINY_SEED, config: TINY_SD15_CONFIG });

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
  if (existingConversion(target, conversionSource(sourceId))) return target;
  const checkpoint = join(tmpdir(), `latentflow-tiny-${process.pid}-${randomBytes(4).toString('hex')}.safetensors`);
  try {
    writeSafetensors(checkpoint, [
      ...syntheticTensors(expectedTensors(TINY_SD15_CONFIG), { seed: TINY_SEED }),
      ...stableDiffusionExtras(),
    ]);
    const hasVocabulary = existsSync(join(dataDir, 'vocab.json')) && existsSync(join(dataDir, 'merges.txt'));
    await convertCheckpoint(checkpoint, target, { sourceId, tokenizerDir: hasVocabulary ? dataDir : undefined });
  } finally {
    rmSync(checkpoint, { force: true });
  }
  return target;
}
