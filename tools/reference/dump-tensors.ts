// Writes the tensor names and shapes of a config as JSON, the input of make_weights.py.
// usage: node --import tsx tools/reference/dump-tensors.ts <tiny|full> <out.json>
import { writeFileSync } from 'node:fs';
import { FULL_SD15_CONFIG, TINY_SD15_CONFIG, expectedTensors } from '../../models/sd15/index.ts';

const [size, out] = process.argv.slice(2);
const config = size === 'full' ? FULL_SD15_CONFIG : TINY_SD15_CONFIG;
writeFileSync(out, JSON.stringify(Object.fromEntries(expectedTensors(config))));
