import { ClipTokenizer } from '../../models/tokenizer/index.ts';
import { median, openTimed } from '../timed-session.ts';

export interface TextEncoderResult { loadMs: number; runMs: number }

const PROMPTS = ['a photograph of an astronaut riding a horse on the moon, detailed, 4k', ''];

/** The positive and negative prompt of one CFG generation in one batch, as the PyTorch reference ran it. */
export async function textEncoder(args: { modelPath: string; tokenizerDir: string }): Promise<TextEncoderResult> {
  const tokenizer = await ClipTokenizer.load(args.tokenizerDir);
  const ids = new Int32Array(PROMPTS.length * 77);
  PROMPTS.forEach((prompt, i) => ids.set(tokenizer.encodeForModel(prompt).ids, i * 77));
  const started = performance.now();
  const timed = await openTimed(args.modelPath);
  const loadMs = performance.now() - started;
  try {
    const feeds = { input_ids: { type: 'int32' as const, data: ids, dims: [PROMPTS.length, 77] } };
    await timed.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await timed.run(feeds)).ms);
    return { loadMs, runMs: median(times) };
  } finally {
    await timed.close();
  }
}
