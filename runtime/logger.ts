export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Writes `level message {data}` lines to stderr, dropping levels below `minLevel`. */
export function createStderrLogger(minLevel: LogLevel = 'info', bindings: Record<string, unknown> = {}): Logger {
  const write = (level: LogLevel) => (message: string, data?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(minLevel)) return;
    const extra = { ...bindings, ...data };
    const suffix = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    process.stderr.write(`${level} ${message}${suffix}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that adds `bindings` (e.g. runId, nodeId) to every line. */
export function childLogger(parent: Logger, bindings: Record<string, unknown>): Logger {
  const bind = (level: LogLevel) => (message: string, data?: Record<string, unknown>) =>
    parent[level](message, { ...bindings, ...data });
  return { debug: bind('debug'), info: bind('info'), warn: bind('warn'), error: bind('error') };
}
