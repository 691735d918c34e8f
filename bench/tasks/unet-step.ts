import type { SessionOptions } from '../../runtime/backends/index.ts';
import { maxRelativeError, readFloats, writeFloats } from '../compare.ts';
import { unetStepFeeds } from '../full-size.ts';
import { openTimed } from '../timed-session.ts';

export interface UnetStepArgs {
  modelPath: string;
  session: SessionOptions;
  timedSteps: number;
  /** Where to keep this variant's output (the float32 reference, and variants for decoding). */
  outputPath?: string;
  /** The float32 reference output to compare with. */
  referencePath?: string;
}

export interface UnetStepResult {
  loadMs: number;
  stepMs: number[];
  /** CPU time of the process (all threads) per timed step: on a shared machine it moves far less than wall time. */
  stepCpuMs?: number[];
  maxRelativeError?: number;
}

/** Loads a UNet, runs one untimed warm-up step, then times `timedSteps` steps in ORT. */
export async function unetStep(args: UnetStepArgs): Promise<UnetStepResult> {
  const started = performance.now();
  const timed = await openTimed(args.modelPath, args.session);
  const loadMs = performance.now() - started;
  try {
    const feeds = unetStepFeeds();
    const { outputs } = await timed.run(feeds);
    const output = outputs.out_sample.data as Float32Array;
    const stepMs: number[] = [];
    const stepCpuMs: number[] = [];
    for (let i = 0; i < args.timedSteps; i++) {
      const before = process.cpuUsage();
      stepMs.push((await timed.run(feeds)).ms);
      const used = process.cpuUsage(before);
      stepCpuMs.push((used.user + used.system) / 1000);
    }
    if (args.outputPath) writeFloats(args.outputPath, output);
    const error = args.referencePath ? maxRelativeError(output, readFloats(args.referencePath)) : undefined;
    return { loadMs, stepMs, stepCpuMs, maxRelativeError: error };
  } finally {
    await timed.close();
  }
}
