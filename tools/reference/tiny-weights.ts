// Writes the float32 weights the tiny models are converted from (models/tiny.ts: seed 1, TINY_SD15_CONFIG)
// so that run_reference.py can compute the golden outputs of test/models/sd15/tiny-golden.test.ts.
// usage: node --import tsx tools/reference/tiny-weights.ts <dir>   (writes <dir>/weights.safetensors)
import { join } from 'node:path';
import { syntheticTensors, writeSafetensors } from '../../models/checkpoint/index.ts';
import { expectedTensors, TINY_SD15_CONFIG } from '../../models/sd15/index.ts';

const [dir] = process.argv.slice(2);
writeSafetensors(join(dir, 'weights.safetensors'), [...syntheticTensors(expectedTensors(TINY_SD15_CONFIG), { seed: 1 })]);
