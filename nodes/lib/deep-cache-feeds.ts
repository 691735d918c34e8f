import type { ModelSession, Tensor } from '../../runtime/backends/index.ts';
import { CACHED_DEEP_FEATURE, DEEP_CACHE_REFRESH, DEEP_FEATURE } from '../../models/sd15/index.ts';

/**
 * DeepCache in the sampling loop (models/sd15/deep-cache.ts): every `interval`-th UNet call of a call site computes
 * the whole UNet and keeps its deep feature; the calls between compute only the shallow branch on that feature.
 * A call site is one prompt batch of the denoiser (one for plain prompts, one per area group of combined or area
 * conditionings: each has its own inputs, so its own feature), known by its context array, which the denoiser makes
 * once per site.
 */
export interface DeepCacheFeeds {
  /** The DeepCache inputs of the next call at `site`, a batch of `rows`. */
  feeds(site: object, rows: number): Record<string, Tensor>;
  /** Keeps the feature the call at `site` used (its `deep_feature` output). */
  keep(site: object, outputs: Record<string, Tensor>): void;
  /** Forgets every feature, after a call that ran another graph (a ControlNet's UNet): the next calls are full. */
  reset(): void;
}

interface Site {
  feature: Tensor;
  /** Calls that reused the feature since it was computed. */
  reuses: number;
}

/** Whether the UNet has the DeepCache variant's inputs (models/sd15/deep-cache.ts). */
export const hasDeepCacheInputs = (session: ModelSession) =>
  [CACHED_DEEP_FEATURE, DEEP_CACHE_REFRESH].every((name) => session.inputs.some((i) => i.name === name));

/** Undefined for interval 1 and for a UNet without the DeepCache inputs: every call full, the plain UNet's. */
export function deepCacheFeeds(session: ModelSession, interval: number): DeepCacheFeeds | undefined {
  const input = session.inputs.find((i) => i.name === CACHED_DEEP_FEATURE);
  if (interval <= 1 || !input || !hasDeepCacheInputs(session)) return undefined;
  const channels = input.dims[1] as number;
  const sites = new Map<object, Site>();
  const refresh = (on: boolean): Tensor => ({ type: 'bool', data: Uint8Array.of(on ? 1 : 0), dims: [1] });
  return {
    feeds(site, rows) {
      const kept = sites.get(site);
      if (kept && kept.feature.dims[0] === rows && kept.reuses < interval - 1) {
        kept.reuses++;
        return { [DEEP_CACHE_REFRESH]: refresh(false), [CACHED_DEEP_FEATURE]: kept.feature };
      }
      sites.delete(site);
      // A full call does not read the cached feature: an empty one stands in.
      return { [DEEP_CACHE_REFRESH]: refresh(true), [CACHED_DEEP_FEATURE]: { type: 'float32', data: new Float32Array(0), dims: [rows, channels, 0, 0] } };
    },
    keep(site, outputs) {
      if (!sites.has(site)) sites.set(site, { feature: outputs[DEEP_FEATURE], reuses: 0 });
    },
    reset: () => sites.clear(),
  };
}
