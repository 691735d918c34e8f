import { defineNode, float, LatentflowError, output, socket, string } from '../runtime/index.ts';
import { fileSha256, findAdapterFile, listAdapterFiles, LORA_DIR } from '../models/adapters/files.ts';
import { loraNotFound, modelNotPatchable } from '../models/adapters/errors.ts';
import { openLora } from '../models/adapters/read-lora.ts';
import { modelConfigOf } from './lib/patched-network.ts';
import { fileStamp } from './lib/file-stamp.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { AppliedLora, ClipHandle, UnetHandle } from './lib/sd-types.ts';

/** ComfyUI's range, so its workflows validate as they are. */
const STRENGTH = { default: 1, min: -100, max: 100, step: 0.01 } as const;

export default defineNode({
  type: 'LoraLoader',
  displayName: 'Load LoRA',
  category: 'loaders',
  description:
    'Applies a LoRA from data/loras/ to the UNet and the text encoder: W += strength x (alpha / rank) x up.down for every ' +
    'layer it adapts. Reads kohya-ss files (lora_unet_/lora_te_, CompVis or diffusers layer names, LoCon convolutions with ' +
    'lora_mid), diffusers/PEFT files (lora_A/lora_B, .lora.up/.lora.down, lora_linear_layer) and LyCORIS LoHa (hada_) and ' +
    'LoKr (lokr_), as .safetensors or safely unpickled .ckpt/.pt/.bin. Chain several to stack them. Keys that match no layer ' +
    'of the model are listed in a warning. Nothing is applied here: the UNet and text encoder nodes open a patched copy of ' +
    'the network (data/cache/patched/), made once per model, LoRA contents and strengths. Strength 0 leaves the network as it was.',
  inputs: {
    unet: socket<UnetHandle>(SD_TYPES.unet),
    clip: socket<ClipHandle>(SD_TYPES.clip),
    lora_name: string({ default: '', description: 'File in data/loras/, with or without its extension.' }),
    strength_model: float({ ...STRENGTH, description: 'How much of the LoRA goes into the UNet.' }),
    strength_clip: float({ ...STRENGTH, description: 'How much of the LoRA goes into the text encoder.' }),
  },
  outputs: {
    unet: output<UnetHandle>(SD_TYPES.unet, 'The UNet with the LoRA'),
    clip: output<ClipHandle>(SD_TYPES.clip, 'The text encoder with the LoRA'),
  },
  fingerprint: ({ lora_name }, env) => fileStamp(findAdapterFile(listAdapterFiles(env.dataDir, LORA_DIR), lora_name)?.path),
  async execute({ unet, clip, lora_name, strength_model, strength_clip }, ctx) {
    const files = listAdapterFiles(ctx.env.dataDir, LORA_DIR);
    const found = findAdapterFile(files, lora_name);
    if (!found) throw withInput(loraNotFound(lora_name, files.map((f) => f.file)), 'lora_name');
    const config = modelConfigOf(unet.path);
    if (!config) throw withInput(modelNotPatchable(unet.path, 'it is not a model converted by latentflow'), 'unet');
    const lora = openLora(found.path, config);
    const adapts = { unet: 0, text_encoder: 0 };
    for (const module of lora.modules) adapts[module.target.network]++;
    lora.close();
    if (lora.unmatched.length > 0) {
      ctx.log.warn(`LoRA ${found.file}: ${lora.unmatched.length} key(s) match no layer of model "${unet.model}" and are ignored: ${lora.unmatched.join(', ')}`, {
        lora: found.file, unmatched: lora.unmatched,
      });
    }
    ctx.log.info(`LoRA ${found.file}: ${adapts.unet} UNet and ${adapts.text_encoder} text encoder layers`, adapts);
    const sha256 = fileSha256(found.path);
    const applied = (strength: number): AppliedLora => ({ file: found.path, sha256, strength });
    return {
      unet: strength_model === 0 || adapts.unet === 0 ? unet : { ...unet, loras: [...(unet.loras ?? []), applied(strength_model)] },
      clip: strength_clip === 0 || adapts.text_encoder === 0 ? clip : { ...clip, loras: [...(clip.loras ?? []), applied(strength_clip)] },
    };
  },
});

/** A file error attributed to the node input that named the file. */
function withInput(error: Error & { code: string }, input: string): LatentflowError {
  return new LatentflowError(error.code, error.message, { input, cause: error });
}
