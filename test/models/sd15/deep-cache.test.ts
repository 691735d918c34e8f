import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { unetVariant } from '../../../models/adapters/index.ts';
import { existingConversion } from '../../../models/convert/index.ts';
import { CACHED_DEEP_FEATURE, DEEP_CACHE_BRANCH, DEEP_CACHE_REFRESH, DEEP_FEATURE, deepFeatureInfo } from '../../../models/sd15/index.ts';
import { maxAbsDiff, seededValues } from '../onnx/run-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'lf-deep-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const folders = {
  'tiny (float32 weights)': resolve('data/models/tiny'),
  'shapes-tiny (float16 weights)': resolve('data/models/shapes-tiny'),
};

describe('the DeepCache UNet variant', () => {
  it.each(Object.entries(folders))('%s: a full call gives the plain UNet\'s output, and a cached call fed that call\'s feature gives it too', async (_, folder) => {
    const index = existingConversion(folder)!;
    const plainPath = join(folder, 'unet/model.onnx');
    const variantPath = unetVariant({
      model: plainPath, config: index.config.unet, weights: index.weights, unetWeights: index.unetWeights,
      variant: { controlResiduals: false, freeU: false, deepCache: true }, cacheDir: join(dir, 'cache'),
    });
    const feeds = {
      sample: new ort.Tensor('float32', seededValues(2 * 4 * 16 * 16, 1), [2, 4, 16, 16]),
      timestep: new ort.Tensor('float32', Float32Array.of(900, 300), [2]),
      encoder_hidden_states: new ort.Tensor('float32', seededValues(2 * 77 * 64, 2), [2, 77, 64]),
    };
    const { channels, downsampled } = deepFeatureInfo(index.config.unet, { branch: DEEP_CACHE_BRANCH });
    const side = 16 / 2 ** downsampled;
    const refresh = (on: boolean) => new ort.Tensor('bool', Uint8Array.of(on ? 1 : 0), [1]);
    const featureTensor = (data: Float32Array) => new ort.Tensor('float32', data, data.length === 0 ? [2, channels, 0, 0] : [2, channels, side, side]);
    // 'extended' keeps the layout ORT gives both graphs the same; 'all' (the default) adds the NCHWc blocked
    // layout, which the If's boundary changes in places, reordering some float sums.
    for (const graphOptimizationLevel of ['extended', 'all'] as const) {
      const [plain, variant] = await Promise.all([plainPath, variantPath].map((path) => ort.InferenceSession.create(path, { intraOpNumThreads: 1, graphOptimizationLevel })));
      try {
        const expected = (await plain.run(feeds)).out_sample.data as Float32Array;
        const full = await variant.run({ ...feeds, [DEEP_CACHE_REFRESH]: refresh(true), [CACHED_DEEP_FEATURE]: featureTensor(new Float32Array(0)) });
        expect(full[DEEP_FEATURE].dims).toEqual([2, channels, side, side]);
        const fullOutput = full.out_sample.data as Float32Array;
        const largest = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        if (graphOptimizationLevel === 'extended') expect(Array.from(fullOutput)).toEqual(Array.from(expected));
        else expect(maxAbsDiff(fullOutput, expected)).toBeLessThanOrEqual(2e-6 * largest);

        const feature = full[DEEP_FEATURE].data as Float32Array;
        const cached = await variant.run({ ...feeds, [DEEP_CACHE_REFRESH]: refresh(false), [CACHED_DEEP_FEATURE]: featureTensor(feature) });
        expect(Array.from(cached.out_sample.data as Float32Array)).toEqual(Array.from(fullOutput));
        expect(Array.from(cached[DEEP_FEATURE].data as Float32Array)).toEqual(Array.from(feature));

        // The cached call really uses the fed feature: another one changes the output.
        const other = Float32Array.from(feature, (v, i) => v + 0.1 * Math.sin(i));
        const changed = await variant.run({ ...feeds, [DEEP_CACHE_REFRESH]: refresh(false), [CACHED_DEEP_FEATURE]: featureTensor(other) });
        expect(maxAbsDiff(changed.out_sample.data as Float32Array, expected)).toBeGreaterThan(1e-3);
      } finally {
        await Promise.all([plain.release(), variant.release()]);
      }
    }
  }, 60_000);
});
