/** A map that forgets its least recently used entry once it holds more than `capacity`. */
export interface LruCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  has(key: string): boolean;
  clear(): void;
  readonly size: number;
  readonly capacity: number;
}

export function createLruCache<V>(capacity: number): LruCache<V> {
  if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`cache capacity must be a whole number >= 0, got ${capacity}`);
  const entries = new Map<string, V>();
  return {
    get(key) {
      if (!entries.has(key)) return undefined;
      const value = entries.get(key) as V;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      entries.delete(key);
      if (capacity === 0) return;
      entries.set(key, value);
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
    has: (key) => entries.has(key),
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
    capacity,
  };
}
