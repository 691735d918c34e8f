import { describe, expect, it } from 'vitest';
import { CODE_LISTS, ERROR_STATUS, statusOf } from '../../server/error-status.ts';

const everyCode = Object.entries(CODE_LISTS).flatMap(([owner, codes]) => codes.map((code) => ({ owner, code })));

describe('the code-to-status table', () => {
  it('each code is defined by exactly one layer', () => {
    const owners = new Map<string, string[]>();
    for (const { owner, code } of everyCode) owners.set(code, [...(owners.get(code) ?? []), owner]);
    const repeated = [...owners].filter(([, by]) => by.length > 1).map(([code, by]) => `${code}: ${by.join(', ')}`);
    expect(repeated).toEqual([]);
  });

  it.each(everyCode)('maps $code ($owner) to an HTTP status', ({ code }) => {
    expect(Object.hasOwn(ERROR_STATUS, code)).toBe(true);
    expect(statusOf(code)).toBeGreaterThanOrEqual(400);
    expect(statusOf(code)).toBeLessThan(600);
  });

  it('maps nothing that no layer defines, and treats a code nobody mapped (a plugin\'s) as the server\'s fault', () => {
    const defined = new Set(everyCode.map(({ code }) => code));
    expect(Object.keys(ERROR_STATUS).filter((code) => !defined.has(code))).toEqual([]);
    expect(statusOf('my_plugin_failed')).toBe(500);
  });

  it('blames the request for what a user can fix, and the server for its disk and models', () => {
    expect([statusOf('not_multiple_of_step'), statusOf('json_too_deep'), statusOf('unknown_sampler'), statusOf('filename_prefix_invalid')]).toEqual([400, 400, 400, 400]);
    expect([statusOf('output_write_failed'), statusOf('model_incomplete'), statusOf('node_failed')]).toEqual([500, 500, 500]);
  });
});
