import { describe, expect, it } from 'vitest';
import { createLruCache } from '../../runtime/cache.ts';

describe('LRU cache', () => {
  it('evicts the least recently used entry when over capacity; get refreshes an entry', () => {
    const cache = createLruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c'), cache.size, cache.capacity]).toEqual([1, 3, 2, 2]);
    cache.set('a', 10);
    cache.set('d', 4);
    expect(cache.has('c')).toBe(false);
    expect(cache.get('a')).toBe(10);
    expect(cache.get('missing')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('stores nothing with capacity 0 and refuses a bad capacity', () => {
    const cache = createLruCache<number>(0);
    cache.set('a', 1);
    expect(cache.size).toBe(0);
    expect(() => createLruCache(-1)).toThrow(RangeError);
    expect(() => createLruCache(1.5)).toThrow(/whole number/);
  });
});
