import { describe, expect, it } from 'vitest';
import { badOverride, cancelled, isLatentflowError, stableCodeOf, LatentflowError, nodeFailed, pluginLoadFailed, RUNTIME_CODES, VALIDATION_CODES } from '../../runtime/errors.ts';

describe('errors', () => {
  it('carries a stable code, where it happened and the cause', () => {
    const cause = new Error('disk full');
    const error = nodeFailed('save', 'SaveImage', cause);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'LatentflowError', code: 'node_failed', nodeId: 'save', nodeType: 'SaveImage', cause });
    expect(error.message).toBe('Node "save" (SaveImage) failed: disk full');
    expect(error.toInfo()).toEqual({ code: 'node_failed', nodeId: 'save', nodeType: 'SaveImage', message: error.message });
    expect(new LatentflowError('out_of_range', 'bad', { input: 'steps' }).toInfo()).toEqual({ code: 'out_of_range', message: 'bad', input: 'steps' });
  });

  it('leaves out cause and location when there are none', () => {
    const error = cancelled();
    expect('cause' in error).toBe(false);
    expect(error.toInfo()).toEqual({ code: 'cancelled', message: 'The run was cancelled' });
    expect(pluginLoadFailed('/p', 'text thrown').message).toBe('Plugin at /p failed to load: text thrown');
  });

  it('recognises coded errors, its own and other layers\'', () => {
    expect(isLatentflowError(badOverride('Cannot set "k": r'))).toBe(true);
    expect(isLatentflowError(badOverride('Cannot set "k": r'), 'bad_override')).toBe(true);
    expect(isLatentflowError(badOverride('Cannot set "k": r'), 'cycle')).toBe(false);
    expect(isLatentflowError(new Error('x'))).toBe(false);
    expect(stableCodeOf(Object.assign(new Error(), { code: 'backend_unavailable' }))).toBe('backend_unavailable');
    expect(stableCodeOf(Object.assign(new Error(), { code: 'checkpoint_corrupt' }))).toBe('checkpoint_corrupt');
    expect(stableCodeOf(Object.assign(new Error(), { code: 'ENOENT' }))).toBeUndefined();
    expect(stableCodeOf(Object.assign(new Error(), { code: 'ERR_INVALID_ARG_TYPE' }))).toBeUndefined();
    expect(stableCodeOf(Object.assign(new Error(), { code: 20 }))).toBeUndefined();
    expect(stableCodeOf(null)).toBeUndefined();
  });

  it('lists each runtime code once, the validation codes the workflow contract names among them', () => {
    const codes = [...VALIDATION_CODES, ...RUNTIME_CODES];
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
    expect(codes).toEqual(expect.arrayContaining(['unknown_node_type', 'missing_input', 'unknown_input', 'bad_link', 'type_mismatch', 'out_of_range', 'not_in_choices', 'cycle', 'no_output', 'node_failed', 'cancelled', 'plugin_load_failed', 'duplicate_node_type']));
  });
});
