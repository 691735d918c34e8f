// Entry of a benchmark child process: `node --import tsx bench/child-main.ts <task> <json args>`.
import { reportChildResult } from './child.ts';
import { peakRssBytes } from './peak-rss.ts';
import { applyLora } from './tasks/apply-lora.ts';
import { convert, quantizeUnet, writeCheckpoint, writeVaeDecoder } from './tasks/convert.ts';
import { deepCache } from './tasks/deep-cache.ts';
import { loraTxt2img } from './tasks/lora-txt2img.ts';
import { floatUnet, staticUnet } from './tasks/static-unet.ts';
import { textEncoder } from './tasks/text-encoder.ts';
import { tome } from './tasks/tome.ts';
import { txt2img } from './tasks/txt2img.ts';
import { unetStep } from './tasks/unet-step.ts';
import { upscale, writeUpscaleModel } from './tasks/upscale.ts';
import { vaeDecode } from './tasks/vae-decode.ts';
import { vaeDecodeTiled } from './tasks/vae-decode-tiled.ts';

const TASKS: Record<string, (args: never) => Promise<unknown>> = {
  'write-checkpoint': writeCheckpoint,
  'write-vae-decoder': writeVaeDecoder,
  convert,
  'quantize-unet': quantizeUnet,
  'write-float-unet': floatUnet,
  'static-unet': staticUnet,
  'unet-step': unetStep,
  'text-encoder': textEncoder,
  'vae-decode': vaeDecode,
  'vae-decode-tiled': vaeDecodeTiled,
  txt2img,
  'apply-lora': applyLora,
  'lora-txt2img': loraTxt2img,
  'write-upscale-model': writeUpscaleModel,
  upscale,
  'deep-cache': deepCache,
  tome,
};

const [name, json] = process.argv.slice(2);
const task = TASKS[name];
if (!task) throw new Error(`unknown bench task "${name}"; known: ${Object.keys(TASKS).join(', ')}`);
const started = performance.now();
const result = await task(JSON.parse(json) as never);
reportChildResult({ result, peakRssBytes: peakRssBytes(), wallMs: performance.now() - started });
