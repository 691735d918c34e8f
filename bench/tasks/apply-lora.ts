import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeSafetensors, type TensorSpec } from '../../models/checkpoint/index.ts';
import { fileSha256 } from '../../models/adapters/index.ts';
import { patchNetwork } from '../../models/adapters/index.ts';
import { loraTargets } from '../../models/adapters/index.ts';
import { existingConversion } from '../../models/convert/index.ts';

/** Rank of the synthetic LoRA: 32 is the most common rank of SD 1.5 LoRAs shared online. */
const RANK = 32;
/** The layers kohya's default SD 1.5 LoRA trains: the transformers' linear layers and 1x1 projections, and the text encoder's. */
const TRAINED = /transformer_blocks\.0\.(attn[12]\.(to_q|to_k|to_v|to_out\.0)|ff\.net\.(0\.proj|2))\.weight$|\.proj_(in|out)\.weight$|self_attn\.(q|k|v|out)_proj\.weight$|mlp\.fc[12]\.weight$/;

export interface ApplyLoraResult {
  loraBytes: number;
  layers: number;
  unetMs: number;
  textEncoderMs: number;
  /** CPU time of the process for both (user + system): the wall time on a machine nobody else uses. */
  cpuMs: number;
  /** The same LoRA and strength again: found in the cache. */
  cachedMs: number;
  /** Bytes the patched copies added on disk (the base's data file is linked, not copied). */
  writtenBytes: number;
}

/** Writes a synthetic rank-32 kohya LoRA (fp16) for the model of a converted folder; returns its layer count. */
export function writeBenchLora(modelDir: string, path: string): number {
  const index = existingConversion(modelDir);
  if (!index) throw new Error(`${modelDir} is not a converted model`);
  const targets = [...new Map([...loraTargets(index.config).values()].map((t) => [t.key, t])).values()].filter((t) => TRAINED.test(t.key));
  const tensors: TensorSpec[] = targets.flatMap((target, i) => {
    const name = `${target.network === 'unet' ? 'lora_unet_' : 'lora_te_'}${target.key.replace(/^model\.diffusion_model\.|^cond_stage_model\.transformer\./, '').replace(/\.weight$/, '').replaceAll('.', '_')}`;
    const inputs = target.shape.slice(1).reduce((a, b) => a * b, 1);
    const small = (count: number, seed: number) => () => Float32Array.from({ length: count }, (_, k) => 0.01 * Math.sin(seed + k * 0.37));
    return [
      { name: `${name}.lora_down.weight`, shape: [RANK, inputs], dtype: 'F16', values: small(RANK * inputs, i) },
      { name: `${name}.lora_up.weight`, shape: [target.shape[0], RANK], dtype: 'F16', values: small(target.shape[0] * RANK, i + 0.5) },
      { name: `${name}.alpha`, shape: [], dtype: 'F16', values: () => Float32Array.of(RANK / 2) },
    ] satisfies TensorSpec[];
  });
  mkdirSync(dirname(path), { recursive: true });
  writeSafetensors(path, tensors);
  return targets.length;
}

/** Bytes under `path`, not counting files linked from elsewhere (nlink > 1). */
function bytesWritten(path: string): number {
  const stats = statSync(path);
  if (stats.isDirectory()) return readdirSync(path).reduce((n, name) => n + bytesWritten(join(path, name)), 0);
  return stats.nlink > 1 ? 0 : stats.size;
}

/** The synthetic LoRA applied to the UNet and the text encoder of a converted folder, timed. */
export async function applyLora(args: { modelDir: string; workDir: string }): Promise<ApplyLoraResult> {
  const file = join(args.workDir, 'bench-lora.safetensors');
  const layers = writeBenchLora(args.modelDir, file);
  const applied = [{ file, sha256: fileSha256(file), strength: 0.8 }];
  const cache = join(args.workDir, 'lora-cache');
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const unet = join(args.modelDir, 'unet', 'model.onnx');
  const cpu = process.cpuUsage();
  const unetMs = await timed(() => patchNetwork({ model: unet, network: 'unet', loras: applied, cacheDir: cache }));
  const textEncoderMs = await timed(() => patchNetwork({ model: join(args.modelDir, 'text_encoder', 'model.onnx'), network: 'text_encoder', loras: applied, cacheDir: cache }));
  const used = process.cpuUsage(cpu);
  const cachedMs = await timed(() => patchNetwork({ model: unet, network: 'unet', loras: applied, cacheDir: cache }));
  return {
    loraBytes: statSync(file).size, layers, unetMs, textEncoderMs, cpuMs: (used.user + used.system) / 1000, cachedMs, writtenBytes: bytesWritten(cache),
  };
}
