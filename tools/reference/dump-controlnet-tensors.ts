// Writes the tensor names and shapes of an SD 1.5 checkpoint plus a ControlNet for it, the input of make_weights.py.
// usage: node --import tsx tools/reference/dump-controlnet-tensors.ts <tiny|full> <out.json>
import { writeFileSync } from 'node:fs';
import { FULL_SD15_CONFIG, TINY_SD15_CONFIG, controlNetTensors, unetTensors } from '../../models/sd15/index.ts';

const [size, out] = process.argv.slice(2);
const config = (size === 'full' ? FULL_SD15_CONFIG : TINY_SD15_CONFIG).unet;
writeFileSync(out, JSON.stringify(Object.fromEntries([...unetTensors(config), ...controlNetTensors(config)])));
