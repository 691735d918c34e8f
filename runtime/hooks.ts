import { unknownHook, type LatentflowError } from './errors.ts';

export const HOOK_NAMES = ['onRunStart', 'onNodeStart', 'onNodeEnd', 'onProgress', 'onError'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

interface RunInfo { runId: string }
interface NodeInfo extends RunInfo { nodeId: string; nodeType: string }

export interface HookPayloads {
  onRunStart: RunInfo & { nodes: string[] };
  onNodeStart: NodeInfo;
  onNodeEnd: NodeInfo & { cached: boolean; durationMs: number };
  onProgress: NodeInfo & { value: number; max: number };
  onError: RunInfo & { error: LatentflowError };
}

/**
 * Run in the order added; a hook that throws fails the node it was called for (or the run).
 * onProgress hooks are synchronous because nodes report progress from synchronous code.
 */
export type Hook<N extends HookName> = (payload: HookPayloads[N]) => N extends 'onProgress' ? void : void | Promise<void>;

export interface Hooks {
  add<N extends HookName>(name: N, hook: Hook<N>): void;
  run<N extends HookName>(name: N, payload: HookPayloads[N]): Promise<void>;
  runSync(name: 'onProgress', payload: HookPayloads['onProgress']): void;
}

export function createHooks(): Hooks {
  const table = new Map<HookName, Hook<HookName>[]>(HOOK_NAMES.map((name) => [name, []]));
  const listFor = (name: HookName) => table.get(name) as Hook<HookName>[];
  return {
    add(name, hook) {
      if (!table.has(name)) throw unknownHook(name, HOOK_NAMES);
      if (typeof hook !== 'function') throw new TypeError(`hook ${name} must be a function`);
      listFor(name).push(hook as Hook<HookName>);
    },
    async run(name, payload) {
      for (const hook of listFor(name)) await hook(payload);
    },
    runSync(name, payload) {
      for (const hook of listFor(name)) hook(payload);
    },
  };
}
