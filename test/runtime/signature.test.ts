import { describe, expect, it } from 'vitest';
import { canonicalJson, nodeSignature } from '../../runtime/signature.ts';

describe('node signatures', () => {
  it('writes objects with sorted keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('depends on type, literals, links and nonce, not on key order', () => {
    const base = { type: 'Add', literals: { b: 1, c: 2 }, links: { a: ['sig', 'sum'] as [string, string] } };
    const same = nodeSignature({ links: base.links, literals: { c: 2, b: 1 }, type: 'Add' });
    expect(nodeSignature(base)).toBe(same);
    expect(nodeSignature(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(nodeSignature({ ...base, type: 'Sub' })).not.toBe(same);
    expect(nodeSignature({ ...base, literals: { b: 1, c: 3 } })).not.toBe(same);
    expect(nodeSignature({ ...base, links: { a: ['other', 'sum'] } })).not.toBe(same);
    expect(nodeSignature({ ...base, links: { a: ['sig', 'difference'] } })).not.toBe(same);
    expect(nodeSignature({ ...base, nonce: 'x' })).not.toBe(same);
  });
});
