import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { checkJsonBounds, isLink, JSON_LIMITS, WorkflowSchema } from '../../contract/index.ts';

/** `{"a": {"a": ... }}`, `levels` objects deep, built without recursion. */
export function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('isLink', () => {
  it('is true only for exactly {from, output} with string values', () => {
    expect(isLink({ from: 'a', output: 'b' })).toBe(true);
    expect(isLink({ from: 'a', output: 'b', extra: 1 })).toBe(false);
    expect(isLink({ from: 'a' })).toBe(false);
    expect(isLink({ from: 1, output: 'b' })).toBe(false);
    expect(isLink(['a', 'b'])).toBe(false);
    expect(isLink(null)).toBe(false);
  });
});

describe('checkJsonBounds', () => {
  it('accepts ordinary documents and refuses one nested 5,000 levels deep without overflowing the stack', () => {
    expect(checkJsonBounds(nested(JSON_LIMITS.maxDepth - 1))).toBeUndefined();
    expect(checkJsonBounds(nested(5000), 'the workflow')).toMatchObject({
      code: 'json_too_deep',
      message: expect.stringContaining(`the workflow nests deeper than ${JSON_LIMITS.maxDepth} levels at /a/a`),
    });
    expect(checkJsonBounds(nested(200_000))?.code).toBe('json_too_deep');
  });

  it('refuses documents with more values than the limit', () => {
    expect(checkJsonBounds(new Array(11).fill(0), 'x', { maxDepth: 10, maxValues: 10 })).toEqual({
      code: 'json_too_large',
      message: 'x holds more than 10 values',
    });
  });
});

describe('WorkflowSchema', () => {
  it('accepts an optional integer version per node, 1 or more', () => {
    const withVersion = (version: unknown) => ({ version: 1, nodes: { a: { type: 'T', version } } });
    expect(Value.Check(WorkflowSchema, withVersion(2))).toBe(true);
    expect(Value.Check(WorkflowSchema, { version: 1, nodes: { a: { type: 'T' } } })).toBe(true);
    expect(Value.Check(WorkflowSchema, withVersion(0))).toBe(false);
    expect(Value.Check(WorkflowSchema, withVersion(1.5))).toBe(false);
  });
});
