import { createHash } from 'node:crypto';

/** What makes a node's result what it is: its type, its literal inputs and where its linked inputs come from. */
export interface SignatureParts {
  type: string;
  literals: Record<string, unknown>;
  /** Per linked input: the producer's signature and the output read from it. */
  links: Record<string, [producerSignature: string, output: string]>;
  /** The run environment's plain settings, so results never cross environments. */
  scope?: Record<string, unknown>;
  /** What the node's `fingerprint` returned: the state of things outside the workflow it reads. */
  fingerprint?: string;
  /** Makes the signature unique, for nodes that must never be served from the cache. */
  nonce?: string;
}

/** JSON with object keys sorted, so equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function nodeSignature(parts: SignatureParts): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
