import { unetFreeUUnsupported } from './errors.ts';
import type { ModelSession, Tensor } from '../../runtime/backends/index.ts';
import { FREEU_INPUTS, FREEU_OFF } from '../../models/sd15/freeu.ts';
import type { FreeUSettings } from './sd-types.ts';

/**
 * The FreeU inputs for a UNet run: the settings' factors for a UNet built with FreeU inputs (no
 * change when there are none), nothing for a UNet without them, and an error when FreeU was asked
 * of a UNet that cannot apply it.
 */
export function freeUFeeds(session: ModelSession, settings: FreeUSettings | undefined): Record<string, Tensor> {
  const has = session.inputs.some((i) => i.name === FREEU_INPUTS[0]);
  if (!has) {
    if (settings) {
      throw unetFreeUUnsupported(session.modelPath, FREEU_INPUTS);
    }
    return {};
  }
  const values = settings ? { ...settings, v2: settings.version === 2 ? 1 : 0 } : FREEU_OFF;
  const tensor = (value: number): Tensor => ({ type: 'float32', data: Float32Array.of(value), dims: [1] });
  return {
    freeu_b1: tensor(values.b1), freeu_b2: tensor(values.b2), freeu_s1: tensor(values.s1), freeu_s2: tensor(values.s2), freeu_v2: tensor(values.v2),
  };
}
