import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../runtime/index.ts';
import type { WorkerInfo } from '../../../server/scale/protocol.ts';
import { canTake, needsOf } from '../../../server/scale/requirements.ts';

const workflow = (inputs: Record<string, unknown>): Workflow => ({ version: 1, nodes: { model: { type: 'LoadModel', inputs }, other: { type: 'Tokenizer', inputs: { text: 'sd15' } } } }) as Workflow;
const worker = (backends: string[], models: [string, string][]): WorkerInfo => ({
  id: 'w', name: 'w', host: 'h', backends, models: models.map(([name, hash]) => ({ name, hash })), pool: 'p', concurrency: 1, runs: [], startedAt: '',
});

describe('what a run needs from a worker', () => {
  it('needs the project backend and each model a LoadModel node names, with the server\'s hash when it has the model', () => {
    const hashes: Record<string, string> = { sd15: 'aaa' };
    expect(needsOf(workflow({ model: 'sd15', backend: 'default' }), 'cpu', (name) => hashes[name])).toEqual({ backends: ['cpu'], models: [{ name: 'sd15', hash: 'aaa' }] });
    expect(needsOf(workflow({ model: 'mine', backend: 'cuda' }), 'cpu', () => undefined)).toEqual({ backends: ['cpu', 'cuda'], models: [{ name: 'mine' }] });
  });

  it('needs no model for `auto` (the worker uses the first it has), and ignores strings of other nodes', () => {
    expect(needsOf(workflow({ model: 'auto' }), 'cpu', () => 'x')).toEqual({ backends: ['cpu'], models: [] });
  });

  it('a worker takes a run only with every backend and every model, and the same content when the server knows its hash', () => {
    const gpu = worker(['cpu', 'cuda'], [['sd15', 'aaa'], ['shapes-tiny', 'bbb']]);
    expect(canTake(gpu, { backends: ['cuda'], models: [{ name: 'sd15', hash: 'aaa' }] })).toBe(true);
    expect(canTake(gpu, { backends: ['cuda'], models: [{ name: 'sd15' }] })).toBe(true);
    expect(canTake(gpu, { backends: ['cuda'], models: [{ name: 'sd15', hash: 'other' }] })).toBe(false);
    expect(canTake(gpu, { backends: ['cpu'], models: [{ name: 'missing' }] })).toBe(false);
    expect(canTake(worker(['cpu'], [['sd15', 'aaa']]), { backends: ['cuda'], models: [] })).toBe(false);
  });
});
