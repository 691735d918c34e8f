/** How deep and how big a JSON document may be before anything recurses over it (JSON.stringify, schema checks). */
export const JSON_LIMITS = { maxDepth: 64, maxValues: 1_000_000 } as const;

export type JsonBoundsProblem =
  | { code: 'json_too_deep'; path: string; message: string }
  | { code: 'json_too_large'; message: string };

/**
 * The first way `value` exceeds the limits, or undefined. Iterative, so a 100,000-level document is
 * refused in linear time instead of overflowing the stack. `where` names the document in the message.
 */
export function checkJsonBounds(value: unknown, where = 'the JSON', limits: { maxDepth: number; maxValues: number } = JSON_LIMITS): JsonBoundsProblem | undefined {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  let seen = 0;
  while (stack.length > 0) {
    const [current, depth, path] = stack.pop() as [unknown, number, string];
    if (++seen > limits.maxValues) {
      return { code: 'json_too_large', message: `${where} holds more than ${limits.maxValues} values` };
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limits.maxDepth) {
      return { code: 'json_too_deep', path, message: `${where} nests deeper than ${limits.maxDepth} levels at ${path || '/'}` };
    }
    const entries = Array.isArray(current) ? current.map((item, i) => [String(i), item] as const) : Object.entries(current);
    for (const [key, item] of entries) stack.push([item, depth + 1, `${path}/${key}`]);
  }
  return undefined;
}
