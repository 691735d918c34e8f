import { afterEach, describe, expect, it, vi } from 'vitest';
import { childLogger, createStderrLogger, silentLogger } from '../../runtime/index.ts';

afterEach(() => vi.restoreAllMocks());

describe('loggers', () => {
  it('writes level, message and data to stderr, from the chosen level up', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => written.push(String(text)) > 0);
    const log = createStderrLogger('info', { app: 'lf' });
    log.debug('hidden');
    log.info('hello', { n: 1 });
    log.warn('careful');
    log.error('bad');
    expect(written).toEqual(['info hello {"app":"lf","n":1}\n', 'warn careful {"app":"lf"}\n', 'error bad {"app":"lf"}\n']);
    written.length = 0;
    createStderrLogger().info('plain');
    expect(written).toEqual(['info plain\n']);
  });

  it('binds fields in child loggers and can stay silent', () => {
    const seen: unknown[] = [];
    const parent = { ...silentLogger, debug: (m: string, d?: unknown) => void seen.push([m, d]) };
    childLogger(parent, { runId: 'r' }).debug('x', { nodeId: 'n' });
    expect(seen).toEqual([['x', { runId: 'r', nodeId: 'n' }]]);
    for (const level of ['debug', 'info', 'warn', 'error'] as const) expect(silentLogger[level]('m')).toBeUndefined();
  });
});
