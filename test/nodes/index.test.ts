import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import builtin from '../../nodes/index.ts';
import { createRegistry, validateWorkflow } from '../../runtime/index.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('built-in plugin', () => {
  const registry = createRegistry();
  registry.register(builtin);

  it('registers the eleven Stable Diffusion node types, each with a description', () => {
    const described = registry.describe();
    expect(described.map((d) => d.type).sort()).toEqual(
      ['EmptyLatent', 'LoadImage', 'LoadModel', 'PreviewImage', 'SaveImage', 'Scheduler', 'TextEncoder', 'Tokenizer', 'UNetStep', 'VAEDecode', 'VAEEncode'],
    );
    for (const node of described) expect(node.description.length, node.type).toBeGreaterThan(40);
    expect(described.filter((d) => d.output).map((d) => d.type).sort()).toEqual(['PreviewImage', 'SaveImage']);
  });

  it.each(['txt2img', 'img2img'])('validates the shipped %s workflow, which places every node in the editor', async (name) => {
    const workflow = JSON.parse(await readFile(path.join(root, 'workflows', `${name}.json`), 'utf8'));
    expect(validateWorkflow(workflow, registry)).toEqual([]);
    expect(Object.keys(workflow.ui.positions).sort()).toEqual(Object.keys(workflow.nodes).sort());
    const ids = ['model', 'positive', 'negative', 'encode_positive', 'encode_negative', 'schedule', 'latent', 'unet', 'decode', 'save'];
    expect(Object.keys(workflow.nodes)).toEqual(expect.arrayContaining(ids));
    expect(workflow.nodes.latent.type).toBe(name === 'txt2img' ? 'EmptyLatent' : 'VAEEncode');
  });
});
