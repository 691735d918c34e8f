/** The path of the first part of `value` that JSON would not carry faithfully, or undefined when it is all plain. */
export function findNonJson(value: unknown, path = '$'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonJson(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return path;
    for (const [key, entry] of Object.entries(value)) {
      if (entry === undefined) continue;
      const found = findNonJson(entry, `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return path;
}
