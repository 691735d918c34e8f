import type { TensorSource } from '../checkpoint/types.ts';
import { RenamedSource, type RenamedTensor } from '../checkpoint/renamed-source.ts';
import { TEXT_PREFIX, UNET_PREFIX, VAE_PREFIX } from '../sd15/index.ts';
import { ldmUnetName, ldmVaeName, unetLayoutOf, vaeUpBlockCount } from '../sd15/diffusers-names.ts';

/** Old transformers versions saved CLIP without `text_model.` (A1111 renames these the same way). */
const OLD_CLIP_PREFIX = /^cond_stage_model\.transformer\.(embeddings|encoder|final_layer_norm)\./;

/** Prefixes of diffusers components when they share one file (or were read from a diffusers folder). */
const COMPONENTS = { unet: 'unet.', textEncoder: 'text_encoder.', vae: 'vae.' } as const;

type Naming = (name: string) => { name: string; toConv1x1?: boolean } | undefined;

const hasPrefix = (names: string[], prefix: string) => names.some((n) => n.startsWith(prefix));

/**
 * The checkpoint's tensors under the original (LDM) names the converter reads, whatever naming it
 * came in: LDM names (optionally under a `module.` prefix, or with old CLIP names), a bare LDM VAE
 * (`encoder.down.0...`, as vae-ft-mse-840000 is), or diffusers names (one component, or several under
 * `unet.`/`text_encoder.`/`vae.`). Names it does not recognise pass through unchanged (and are ignored).
 */
export function withLdmNames(source: TensorSource): TensorSource {
  let names = source.tensors.map((t) => t.name);
  const strip = names.length > 0 && names.every((n) => n.startsWith('module.')) ? 'module.' : '';
  if (strip) names = names.map((n) => n.slice(strip.length));
  const naming = namingOf(names);
  if (!strip && naming === undefined) return source;
  const entries: RenamedTensor[] = [];
  for (const name of names) {
    const original = strip + name;
    const mapped = naming?.(name) ?? { name };
    const shape = source.info(original)!.shape;
    entries.push({ source, original, name: mapped.name, shape: mapped.toConv1x1 && shape.length === 2 ? [...shape, 1, 1] : undefined });
  }
  return new RenamedSource(source.path, source.format, entries, [source]);
}

function namingOf(names: string[]): Naming | undefined {
  if (names.some((n) => n.startsWith(UNET_PREFIX) || n.startsWith(VAE_PREFIX))) {
    return names.some((n) => OLD_CLIP_PREFIX.test(n)) ? (n) => ({ name: n.replace(OLD_CLIP_PREFIX, `${TEXT_PREFIX}$1.`) }) : undefined;
  }
  if (Object.values(COMPONENTS).some((prefix) => hasPrefix(names, prefix))) {
    const part = (prefix: string) => names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
    const unet = unetNaming(part(COMPONENTS.unet));
    const vae = vaeNaming(part(COMPONENTS.vae));
    return (name) => {
      if (name.startsWith(COMPONENTS.unet)) return unet(name.slice(COMPONENTS.unet.length));
      if (name.startsWith(COMPONENTS.vae)) return vae(name.slice(COMPONENTS.vae.length));
      if (name.startsWith(COMPONENTS.textEncoder)) return textNaming(name.slice(COMPONENTS.textEncoder.length));
      return undefined;
    };
  }
  if (names.includes('conv_in.weight') && hasPrefix(names, 'down_blocks.')) return unetNaming(names);
  if (hasPrefix(names, 'encoder.down_blocks.') || hasPrefix(names, 'decoder.up_blocks.')) return vaeNaming(names);
  if (hasPrefix(names, 'encoder.down.') || hasPrefix(names, 'decoder.up.')) return (n) => ({ name: VAE_PREFIX + n });
  if (hasPrefix(names, 'text_model.')) return textNaming;
  return undefined;
}

function unetNaming(names: string[]): Naming {
  const layout = unetLayoutOf(names);
  return (name) => {
    const ldm = ldmUnetName(name, layout);
    return ldm === undefined ? undefined : { name: UNET_PREFIX + ldm };
  };
}

function vaeNaming(names: string[]): Naming {
  const upBlocks = vaeUpBlockCount(names);
  return (name) => {
    const ldm = ldmVaeName(name, upBlocks);
    return ldm && { name: VAE_PREFIX + ldm.name, toConv1x1: ldm.toConv1x1 };
  };
}

const textNaming: Naming = (name) => (name.startsWith('text_model.') ? { name: `cond_stage_model.transformer.${name}` } : undefined);
