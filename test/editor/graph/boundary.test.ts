import { describe, expect, it } from 'vitest';
import { graphToWorkflow, workflowToGraph } from '../../../editor/src/graph/boundary.ts';
import { FlowConnection, FlowNode } from '../../../editor/src/graph/schemes.ts';
import type { Workflow } from '../../../editor/src/workflow/types.ts';
import { CATALOG, sampleWorkflow } from '../fixtures.ts';

function roundTrip(workflow: Workflow): Workflow {
  const graph = workflowToGraph(workflow, CATALOG);
  return graphToWorkflow(graph.nodes, graph.connections, (id) => graph.positions.get(id), { groups: workflow.ui?.groups });
}

describe('workflow <-> graph boundary', () => {
  it('round-trips a workflow: nodes, literals, links, positions and seed modes survive unchanged', () => {
    const workflow = sampleWorkflow();
    expect(roundTrip(workflow)).toEqual(workflow);
  });

  it('keys seed modes by the node id up to the last dot, so node ids with dots keep theirs', () => {
    const workflow = sampleWorkflow();
    workflow.nodes['unet.1'] = workflow.nodes.unet;
    delete workflow.nodes.unet;
    workflow.nodes.decode.inputs = { ...workflow.nodes.decode.inputs, latent: { from: 'unet.1', output: 'latent' } };
    workflow.ui = { ...workflow.ui, positions: { ...workflow.ui?.positions, 'unet.1': [600, 100] }, seedModes: { 'unet.1.seed': 'randomize' } };
    delete workflow.ui.positions!.unet;
    expect(workflowToGraph(workflow, CATALOG).nodes.find((n) => n.id === 'unet.1')!.seedModes).toEqual({ seed: 'randomize' });
    expect(roundTrip(workflow).ui?.seedModes).toEqual({ 'unet.1.seed': 'randomize' });
  });

  it('records the version of node types past version 1, and none for version 1', () => {
    const catalog = new Map(CATALOG);
    catalog.set('SaveImage', { ...CATALOG.get('SaveImage')!, version: 3 });
    const graph = workflowToGraph(sampleWorkflow(), catalog);
    const saved = graphToWorkflow(graph.nodes, graph.connections, () => undefined);
    expect(saved.nodes.save.version).toBe(3);
    expect('version' in saved.nodes.unet).toBe(false);
  });

  it('creates one connection per link and marks linked inputs', () => {
    const graph = workflowToGraph(sampleWorkflow(), CATALOG);
    expect(graph.problems).toEqual([]);
    expect(graph.connections.map((c) => `${c.source}.${c.sourceOutput}->${c.target}.${c.targetInput}`).sort()).toEqual([
      'decode.image->save.image',
      'latent.latent->unet.latent',
      'model.clip->positive.clip',
      'model.unet->unet.unet',
      'model.vae->decode.vae',
      'unet.latent->decode.latent',
    ]);
    const unet = graph.nodes.find((n) => n.id === 'unet')!;
    expect([...unet.linked].sort()).toEqual(['latent', 'unet']);
    expect(unet.values).toMatchObject({ cfg: 6, seed: 42 });
    expect(unet.seedModes.seed).toBe('increment');
  });

  it('fills widget defaults for new nodes and writes them as literals', () => {
    const node = new FlowNode(CATALOG.get('EmptyLatent')!, 'latent');
    const workflow = graphToWorkflow([node], [], () => [10.4, 20.6]);
    expect(workflow.nodes.latent).toEqual({ type: 'EmptyLatent', inputs: { width: 512, height: 512 } });
    expect(workflow.ui?.positions).toEqual({ latent: [10, 21] });
  });

  it('writes a link instead of the widget value when a widget input is connected', () => {
    const width = new FlowNode(CATALOG.get('LoadModel')!, 'w');
    const latent = new FlowNode(CATALOG.get('EmptyLatent')!, 'latent');
    const tokenizer = new FlowNode(CATALOG.get('Tokenizer')!, 'tok');
    const workflow = graphToWorkflow([width, latent, tokenizer], [new FlowConnection(width, 'clip', tokenizer, 'clip')], () => undefined);
    expect(workflow.nodes.tok.inputs).toEqual({ clip: { from: 'w', output: 'clip' }, text: '' });
  });

  it('keeps only links inside the given nodes (a copied fragment)', () => {
    const graph = workflowToGraph(sampleWorkflow(), CATALOG);
    const picked = graph.nodes.filter((n) => n.id === 'unet' || n.id === 'decode');
    const fragment = graphToWorkflow(picked, graph.connections, () => undefined);
    expect(Object.keys(fragment.nodes)).toEqual(['unet', 'decode']);
    expect(fragment.nodes.decode.inputs).toEqual({ latent: { from: 'unet', output: 'latent' } });
    expect(fragment.nodes.unet.inputs).toEqual({ cfg: 6, seed: 42 });
  });

  it('keeps a node of unknown type, its literals and its links, and reports it', () => {
    const workflow: Workflow = {
      version: 1,
      nodes: {
        model: { type: 'LoadModel', inputs: { model: 'tiny' } },
        mystery: { type: 'PluginThing', inputs: { clip: { from: 'model', output: 'clip' }, strength: 0.3 } },
        positive: { type: 'Tokenizer', inputs: { clip: { from: 'mystery', output: 'clip_out' }, text: 'x' } },
      },
    };
    const graph = workflowToGraph(workflow, CATALOG);
    expect(graph.problems).toEqual(['node "mystery" has type "PluginThing", which the server does not know']);
    expect(graph.nodes.find((n) => n.id === 'mystery')!.missing).toBe(true);
    const back = graphToWorkflow(graph.nodes, graph.connections, () => undefined);
    expect(back.nodes).toEqual(workflow.nodes);
  });

  it('reports links to missing nodes, outputs or inputs instead of drawing them', () => {
    const workflow: Workflow = {
      version: 1,
      nodes: {
        model: { type: 'LoadModel', inputs: {} },
        a: { type: 'Tokenizer', inputs: { clip: { from: 'ghost', output: 'clip' } } },
        b: { type: 'Tokenizer', inputs: { clip: { from: 'model', output: 'nope' } } },
        c: { type: 'EmptyLatent', inputs: { depth: { from: 'model', output: 'clip' } } },
      },
    };
    const graph = workflowToGraph(workflow, CATALOG);
    expect(graph.connections).toHaveLength(0);
    expect(graph.problems).toEqual([
      'a.clip links to node "ghost", which is not in the workflow',
      'b.clip links to "model.nope", which is not an output of LoadModel',
      'c.depth is linked, but EmptyLatent has no such input socket',
    ]);
  });

  it('keeps a user-chosen title and an input the node type does not declare', () => {
    const workflow: Workflow = { version: 1, nodes: { m: { type: 'LoadModel', inputs: { model: 'tiny', legacy: 3 }, title: 'My model' } } };
    const graph = workflowToGraph(workflow, CATALOG);
    expect(graph.nodes[0].label).toBe('My model');
    expect(graphToWorkflow(graph.nodes, [], () => undefined).nodes).toEqual(workflow.nodes);
  });
});
