import { describe, expect, it } from 'vitest';
import textEncoder from '../../nodes/text-encoder.ts';
import tokenizer from '../../nodes/tokenizer.ts';
import type { ClipHandle, Tokens } from '../../nodes/lib/sd-types.ts';
import type { TensorType } from '../../runtime/backends/index.ts';
import { fakeContext, fakeSession } from './fake-context.ts';

const clip: ClipHandle = { model: 'fake', backend: 'cpu', textEncoder: '/m/text_encoder.onnx', tokenizerDir: '/nowhere' };

/** Fake CLIP: hidden[t][k] = id_t + k (last layer) or -(id_t + k) (penultimate), width 4. */
function fakeClip(idsType: TensorType, penultimate: boolean) {
  const outputs = [{ name: 'last_hidden_state', type: 'float32' as const, dims: [] }];
  if (penultimate) outputs.push({ name: 'penultimate_hidden_state', type: 'float32', dims: [] });
  return fakeSession(clip.textEncoder, { inputs: [{ name: 'input_ids', type: idsType, dims: ['b', 77] }], outputs }, async (feeds) => {
    const ids = Array.from(feeds.input_ids.data as ArrayLike<number | bigint>, Number);
    const last = new Float32Array(77 * 4);
    ids.forEach((id, t) => [0, 1, 2, 3].forEach((k) => (last[t * 4 + k] = id + k)));
    const result = { last_hidden_state: { type: 'float32' as const, data: last, dims: [1, 77, 4] } };
    return penultimate
      ? { ...result, penultimate_hidden_state: { type: 'float32' as const, data: last.map((v) => -v), dims: [1, 77, 4] } }
      : result;
  });
}

function tokens(): Tokens {
  const ids = new Int32Array(77).fill(49407);
  ids.set([49406, 320, 2368], 0);
  return { ids, count: 2 };
}

describe('TextEncoder', () => {
  it('feeds the ids in the type the model declares and returns [1, 77, width]', async () => {
    for (const type of ['int32', 'int64'] as const) {
      const session = fakeClip(type, true);
      const { conditioning } = await textEncoder.execute({ clip, tokens: tokens(), clip_skip: 1, weighting: 'comfyui' }, await fakeContext({ sessions: { [clip.textEncoder]: session } }));
      expect(session.calls[0].input_ids.type).toBe(type);
      expect(conditioning.shape).toEqual([1, 77, 4]);
      expect(Array.from(conditioning.data.subarray(4, 8))).toEqual([320, 321, 322, 323]);
    }
  });

  it('takes the penultimate layer for clip_skip 2', async () => {
    const session = fakeClip('int32', true);
    const { conditioning } = await textEncoder.execute({ clip, tokens: tokens(), clip_skip: 2, weighting: 'comfyui' }, await fakeContext({ sessions: { [clip.textEncoder]: session } }));
    expect(conditioning.data[4]).toBe(-320);
  });

  it('fails clearly for clip_skip 2 on a model without the penultimate output', async () => {
    const session = fakeClip('int32', false);
    await expect(textEncoder.execute({ clip, tokens: tokens(), clip_skip: 2, weighting: 'comfyui' }, await fakeContext({ sessions: { [clip.textEncoder]: session } })))
      .rejects.toMatchObject({ code: 'text_encoder_output_missing', input: 'clip_skip', message: expect.stringContaining('penultimate_hidden_state') });
  });
});

describe('Tokenizer', () => {
  it('encodes with the data/ vocabulary when the model has none', async () => {
    const { tokens: result } = await tokenizer.execute({ clip, text: 'a photograph of an astronaut riding a horse', bare_embedding_names: false }, await fakeContext({ env: { dataDir: 'data' } }));
    expect(Array.from(result.ids.subarray(0, 10))).toEqual([49406, 320, 8853, 539, 550, 18376, 6765, 320, 4558, 49407]);
    expect(result.count).toBe(8);
  });

  it('encodes a prompt longer than 75 tokens in two 77-id chunks instead of cutting it', async () => {
    const ctx = await fakeContext({ env: { dataDir: 'data' } });
    const { tokens: result } = await tokenizer.execute({ clip, text: 'cat '.repeat(100), bare_embedding_names: false }, ctx);
    expect(result.count).toBe(100);
    expect(result.ids.length).toBe(154);
    expect([result.ids[0], result.ids[76], result.ids[77], result.ids[77 + 25], result.ids[77 + 26]]).toEqual([49406, 49407, 49406, 2368, 49407]);
  });

  it('gives A1111\'s comma-backtracked chunks beside the plain ones, and TextEncoder encodes them only under `a1111`', async () => {
    const ctx = await fakeContext({ env: { dataDir: 'data' } });
    const { tokens: result } = await tokenizer.execute({ clip, text: `${'cat '.repeat(70)}, ${'dog '.repeat(10)}`, bare_embedding_names: false }, ctx);
    expect(result.ids[75]).toBe(1929);
    expect([result.a1111?.ids[71], result.a1111?.ids[72], result.a1111?.ids[78]]).toEqual([267, 49407, 1929]);
    const encoded = async (weighting: 'a1111' | 'comfyui') => {
      const session = fakeClip('int32', true);
      const { conditioning } = await textEncoder.execute({ clip, tokens: result, clip_skip: 1, weighting }, await fakeContext({ sessions: { [clip.textEncoder]: session } }));
      return conditioning.data[75 * 4];
    };
    expect(await encoded('comfyui')).toBe(1929);
    expect(await encoded('a1111')).toBe(49407);
    const { tokens: short } = await tokenizer.execute({ clip, text: 'cat, dog', bare_embedding_names: false }, ctx);
    expect(short.a1111).toBeUndefined();
  });

  it('gives each token the weight its brackets say', async () => {
    const { tokens: result } = await tokenizer.execute({ clip, text: 'a (cat:1.5) [dog]', bare_embedding_names: false }, await fakeContext({ env: { dataDir: 'data' } }));
    expect(Array.from(result.ids.subarray(0, 5))).toEqual([49406, 320, 2368, 1929, 49407]);
    expect(Array.from(result.weights?.subarray(0, 5) ?? [])).toEqual([1, 1, 1.5, Math.fround(1 / 1.1), 1]);
  });

  it('names an unknown embedding in a coded error', async () => {
    await expect(tokenizer.execute({ clip, text: 'a embedding:nowhere cat', bare_embedding_names: false }, await fakeContext({ env: { dataDir: 'data' } })))
      .rejects.toMatchObject({ code: 'embedding_not_found', message: expect.stringContaining('"nowhere"') });
  });
});

describe('TextEncoder prompt weights', () => {
  const weighted = (): Tokens => ({ ...tokens(), weights: Float32Array.from({ length: 77 }, (_, i) => (i === 2 ? 2 : 1)) });

  it('follows ComfyUI: a weighted token moves away from the empty prompt, z_empty + w (z - z_empty)', async () => {
    const session = fakeClip('int32', true);
    const { conditioning } = await textEncoder.execute({ clip, tokens: weighted(), clip_skip: 1, weighting: 'comfyui' }, await fakeContext({ sessions: { [clip.textEncoder]: session } }));
    // token 2 is id 2368 (z = 2368 + k); the empty prompt has the end token 49407 there.
    expect(Array.from(conditioning.data.subarray(8, 12))).toEqual([0, 1, 2, 3].map((k) => 49407 + k + 2 * (2368 - 49407)));
    expect(Array.from(conditioning.data.subarray(4, 8))).toEqual([320, 321, 322, 323]);
  });

  it('follows A1111: z times the weight, then the chunk mean restored', async () => {
    const session = fakeClip('int32', true);
    const { conditioning } = await textEncoder.execute({ clip, tokens: weighted(), clip_skip: 1, weighting: 'a1111' }, await fakeContext({ sessions: { [clip.textEncoder]: session } }));
    const ids = Array.from(tokens().ids);
    const z = ids.flatMap((id) => [0, 1, 2, 3].map((k) => id + k));
    const scaled = z.map((v, i) => v * (Math.floor(i / 4) === 2 ? 2 : 1));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const expected = scaled.map((v) => v * (mean(z) / mean(scaled)));
    Array.from(conditioning.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 1));
    expect(mean(Array.from(conditioning.data))).toBeCloseTo(mean(z), 1);
  });
});
