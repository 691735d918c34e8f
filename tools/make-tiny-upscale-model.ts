// Writes data/upscale_models/tiny-rrdbnet-x2-passthrough.safetensors: a real RRDBNet file (x2 by pixel
// unshuffle, 8 features, 1 block) whose weights copy the image through (see passthroughRrdbnetTensors),
// so workflows/upscale.json runs out of the box. It enlarges, it does not add detail.
// usage: node --import tsx tools/make-tiny-upscale-model.ts [out.safetensors]
import { join } from 'node:path';
import { writeSafetensors } from '../models/checkpoint/index.ts';
import { passthroughRrdbnetTensors, type RrdbnetConfig } from '../models/upscale/index.ts';

export const SHIPPED_CONFIG: RrdbnetConfig = { channels: 3, numFeat: 8, numBlock: 1, growth: 4, unshuffle: 2, upsamples: 2 };

const out = process.argv[2] ?? join(import.meta.dirname, '../data/upscale_models/tiny-rrdbnet-x2-passthrough.safetensors');
writeSafetensors(out, passthroughRrdbnetTensors(SHIPPED_CONFIG));
console.log(`wrote ${out}`);
