import { describe, expect, it } from 'vitest';
import { badOverride, cancelled, isLatentflowError, knownCodeOf, LatentflowError, nodeFailed, pluginLoadFailed, RUNTIME_CODES, VALIDATION_CODES } from '../../runtime/errors.ts';

describe('errors', () => {
  it('carries a stable code, where it happened and the cause', () => {
    const cause = new Error('disk full');
    const error = nodeFailed('save', 'SaveImage', cause);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'LatentflowError', code: 'node_failed', nodeId: 'save', nodeType: 'SaveImage', cause });
    expect(error.message).toBe('Node "save" (SaveImage) failed: disk full');
    expect(error.toInfo()).toEqual({ code: 'node_failed', nodeId: 'save', nodeType: 'SaveImage', message: error.message });
    expect(new LatentflowError('invalid_value', 'bad', { input: 'steps' }).toInfo()).toEqual({ code: 'invalid_value', message: 'bad', input: 'steps' });
  });

  it('leaves out cause and location when there are none', () => {
    const error = cancelled();
    expect('cause' in error).toBe(false);
    expect(error.toInfo()).toEqual({ code: 'cancelled', message: 'The run was cancelled' });
    expect(pluginLoadFailed('/p', 'text thrown').message).toBe('Plugin at /p failed to load: text thrown');
  });

  it('recognises coded errors, its own and other layers\'', () => {
    expect(isLatentflowError(badOverride('k', 'r'))).toBe(true);
    expect(isLatentflowError(badOverride('k', 'r'), 'bad_override')).toBe(true);
    expect(isLatentflowError(badOverride('k', 'r'), 'cycle')).toBe(false);
    expect(isLatentflowError(new Error('x'))).toBe(false);
    expect(knownCodeOf(Object.assign(new Error(), { code: 'backend_unavailable' }))).toBe('backend_unavailable');
    expect(knownCodeOf(Object.assign(new Error(), { code: 'ENOENT' }))).toBeUndefined();
    expect(knownCodeOf(null)).toBeUndefined();
  });

  it('has one code per failure, none repeated', () => {
    const codes = [...VALIDATION_CODES, ...RUNTIME_CODES];
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(['unknown_node_type', 'missing_input', 'unknown_input', 'bad_link', 'type_mismatch', 'out_of_range', 'not_in_choices', 'cycle', 'no_output', 'node_failed', 'cancelled', 'plugin_load_failed', 'duplicate_node_type']));
  });
});
