import { statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { convertCheckpoint, DEFAULT_UNET_WEIGHTS, UNET_WEIGHTS, type ConvertProgress, type UnetWeights } from '../models/convert/index.ts';
import { isModelFileError } from '../models/checkpoint/index.ts';
import { createFolder, defineCommand, EXIT, UsageError } from './args.ts';
import { progressBar } from './progress.ts';

const USAGE = `usage: latentflow convert <checkpoint.ckpt|.pt|.safetensors|diffusers-folder> [--out <dir>] [--fp16] [--unet <weights>] [--data <dir>]

Converts a Stable Diffusion 1.x checkpoint (original or diffusers names, zip or legacy torch format),
or a diffusers PyTorch folder, into ONNX models (default folder: <data>/models/<name>; see docs/models.md).
  --out <dir>       where to write the model folder
  --fp16            store float weights as float16 (half the size; computed in float32)
  --unet <weights>  the UNet's weights: ${UNET_WEIGHTS.join('|')}, default ${DEFAULT_UNET_WEIGHTS}
                    (the fastest on CPU, see docs/performance.md; use float for a GPU backend).
                    int8-matmul: int8 weights for the linear layers, int8: for the
                    convolutions too (a smaller UNet whose output differs slightly),
                    int8-static: the same with activation scales calibrated on sampling runs
                    of the float UNet during the conversion (adds minutes at full size, once)
  --data <dir>      the data folder (default ./data)`;

const GIB = 2 ** 30;

export const main = defineCommand({
  usage: USAGE,
  options: {
    out: { type: 'string' },
    fp16: { type: 'boolean' },
    unet: { type: 'string', default: DEFAULT_UNET_WEIGHTS },
    data: { type: 'string', default: 'data' },
  },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one checkpoint file');
    const [checkpoint] = positionals;
    const unetWeights = parseUnetWeights(values.unet);
    const outDir = values.out ?? join(values.data, 'models', basename(checkpoint, extname(checkpoint)));
    // Only for a real checkpoint: the converter reports a missing one, and nothing is created for it.
    if (statSync(checkpoint, { throwIfNoEntry: false })?.isFile()) createFolder(values.out === undefined ? '--data' : '--out', dirname(outDir));
    const show = progressDisplay(process.stdout.isTTY === true);
    try {
      const result = await convertCheckpoint(checkpoint, outDir, { fp16: values.fp16, unetWeights, onProgress: show });
      show.end();
      const { unet, text } = result.config;
      const weights = values.fp16 ? 'float16' : 'float32';
      const summary = `UNet channels [${unet.channels}], text width ${text.width}, weights ${weights}, UNet ${unetWeights}`;
      const what = result.status === 'up_to_date' ? 'already converted' : 'converted';
      process.stdout.write(`${what}: ${checkpoint} -> ${result.dir} (${summary})\n`);
      return EXIT.ok;
    } catch (error) {
      show.end();
      if (!isModelFileError(error)) throw error;
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      return EXIT.failed;
    }
  },
});

function parseUnetWeights(value: string): UnetWeights {
  const known = UNET_WEIGHTS.find((weights) => weights === value);
  if (!known) throw new UsageError(`--unet must be one of ${UNET_WEIGHTS.join(', ')}, got "${value}"`);
  return known;
}

/** On a terminal a bar redrawn in place; elsewhere one line per tenth of each phase (calibrating, writing). */
function progressDisplay(isTTY: boolean) {
  let lastTenth = -1;
  let lastPhase: ConvertProgress['phase'] | undefined;
  let drawn = false;
  const show = (progress: ConvertProgress) => {
    const [done, total, what] = progress.phase === 'calibrating'
      ? [progress.callsDone, progress.callsTotal, `calibrating the int8 UNet, ${progress.callsDone}/${progress.callsTotal} UNet calls`]
      : [progress.bytesDone, progress.bytesTotal,
        `${progress.network}, ${progress.tensorsDone}/${progress.tensorsTotal} tensors, ${(progress.bytesDone / GIB).toFixed(2)}/${(progress.bytesTotal / GIB).toFixed(2)} GiB`];
    if (progress.phase !== lastPhase) [lastPhase, lastTenth] = [progress.phase, -1];
    const fraction = total > 0 ? done / total : 1;
    const percent = Math.floor(fraction * 100);
    if (isTTY) {
      process.stdout.write(`\r\x1b[2K[${progressBar(fraction, 1)}] ${percent}% ${what}`);
      drawn = true;
    } else if (Math.floor(percent / 10) > lastTenth) {
      lastTenth = Math.floor(percent / 10);
      process.stdout.write(`converting: ${percent}% (${what})\n`);
    }
  };
  return Object.assign(show, {
    end() {
      if (drawn) process.stdout.write('\n');
      drawn = false;
    },
  });
}
