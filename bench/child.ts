import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD_MAIN = fileURLToPath(new URL('./child-main.ts', import.meta.url));
const RESULT_PREFIX = 'BENCH_RESULT ';

/** What every child task reports besides its own figures. */
export interface ChildOutcome<R> { result: R; peakRssBytes: number; wallMs: number }

/**
 * Runs one heavy benchmark task in a fresh process, so its peak memory is its own and nothing it
 * allocated stays behind. The child's stderr is passed through (progress lines).
 */
export function runChild<R>(task: string, args: unknown): Promise<ChildOutcome<R>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_MAIN, task, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`bench task ${task} failed (exit ${code ?? signal}): ${stdout.slice(-2000)}`));
        return;
      }
      const outcome = JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildOutcome<R>;
      // Each result as it comes, so a long run that is stopped still leaves what it measured.
      process.stderr.write(`[bench] ${task} done in ${(outcome.wallMs / 1000).toFixed(1)} s, peak ${(outcome.peakRssBytes / 1e9).toFixed(3)} GB: ${JSON.stringify(outcome.result)}\n`);
      resolve(outcome);
    });
  });
}

export function reportChildResult(outcome: ChildOutcome<unknown>): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(outcome)}\n`);
}
