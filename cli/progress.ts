import type { RunEvent } from '../runtime/index.ts';

const BAR_WIDTH = 24;

interface Output { write(text: string): unknown }

export interface DisplayOptions {
  /** Progress and results. */
  out: Output;
  /** Failures. */
  err: Output;
  /** Redraw one status line in place instead of printing plain lines. */
  isTTY: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const label = (event: { nodeId: string; nodeType: string }) => `${event.nodeId} (${event.nodeType})`;

export function progressBar(value: number, max: number, width = BAR_WIDTH): string {
  const filled = max > 0 ? Math.round((Math.min(Math.max(value, 0), max) / max) * width) : 0;
  return `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
}

/**
 * Shows a run for people. On a terminal one status line (node, step bar) is redrawn in place;
 * elsewhere each change is a plain line, and progress is shown at each quarter.
 */
export function createProgressDisplay({ out, err, isTTY }: DisplayOptions): (event: RunEvent) => void {
  let total = 0;
  let done = 0;
  let statusShown = false;
  let lastQuarter = new Map<string, number>();

  const line = (text: string) => {
    if (statusShown) out.write('\r\x1b[2K');
    statusShown = false;
    out.write(`${text}\n`);
  };
  const failure = (text: string) => {
    if (statusShown) out.write('\n');
    statusShown = false;
    err.write(`${text}\n`);
  };
  const status = (text: string) => {
    out.write(`\r\x1b[2K${text}`);
    statusShown = true;
  };
  const position = () => `[${Math.min(done + 1, total)}/${total}]`;

  return (event) => {
    switch (event.type) {
      case 'run_started':
        total = event.nodes.length;
        done = 0;
        lastQuarter = new Map();
        line(`running ${total} node(s)`);
        break;
      case 'node_cached':
        line(`${position()} ${label(event)} cached`);
        done++;
        break;
      case 'node_started':
        if (isTTY) status(`${position()} ${label(event)} ...`);
        else line(`${position()} ${label(event)} started`);
        break;
      case 'node_progress': {
        const shown = `${position()} ${label(event)} ${progressBar(event.value, event.max)} ${event.value}/${event.max}`;
        if (isTTY) status(shown);
        else {
          const quarter = event.max > 0 ? Math.floor((event.value / event.max) * 4) : 0;
          if (quarter > (lastQuarter.get(event.nodeId) ?? 0)) line(shown);
          lastQuarter.set(event.nodeId, quarter);
        }
        break;
      }
      case 'node_preview':
        break;
      case 'node_finished':
        line(`${position()} ${label(event)} done in ${seconds(event.durationMs)}`);
        done++;
        break;
      case 'node_failed':
        failure(`${position()} ${label(event)} failed`);
        break;
      case 'run_finished':
        line(`finished in ${seconds(event.durationMs)}`);
        for (const [nodeId, result] of Object.entries(event.outputs)) line(`  ${nodeId}: ${JSON.stringify(result)}`);
        break;
      case 'run_failed':
        failure(`run failed [${event.error.code}]: ${event.error.message}`);
        break;
      case 'run_cancelled':
        failure('run cancelled');
        break;
    }
  };
}
