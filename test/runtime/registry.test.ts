import { describe, expect, it } from 'vitest';
import { createRegistry, definePlugin, LatentflowError } from '../../runtime/index.ts';
import { AddNode, NumberNode, testPlugin, testRegistry } from './fixtures/test-nodes.ts';

describe('registry', () => {
  it('registers a plugin and looks its nodes up by type', () => {
    const registry = testRegistry();
    expect(registry.get('Add')).toBe(AddNode);
    expect(registry.has('Add')).toBe(true);
    expect(registry.has('Subtract')).toBe(false);
    expect(registry.get('Subtract')).toBeUndefined();
    expect(registry.pluginOf('Add')).toBe('test-nodes');
    expect(registry.types()).toEqual(['Number', 'Add', 'Scale', 'Show', 'Clock', 'Slow', 'Fail']);
    expect(registry.plugins()).toEqual([testPlugin]);
  });

  it('refuses a node type that is already taken, naming both plugins, and registers none of the plugin', () => {
    const registry = testRegistry();
    const Other = { ...NumberNode, type: 'Other' };
    const clash = definePlugin({ name: 'copycat', version: '1.0.0', nodes: [Other, AddNode] });
    expect(() => registry.register(clash)).toThrow(
      expect.objectContaining({
        code: 'duplicate_node_type',
        nodeType: 'Add',
        message: 'Node type "Add" from plugin "copycat" is already registered by plugin "test-nodes"',
      }),
    );
    expect(registry.has('Other')).toBe(false);
    const twice = definePlugin({ name: 'twice', version: '1.0.0', nodes: [Other, Other] });
    expect(() => createRegistry().register(twice)).toThrow(/"Other" from plugin "twice" is already registered by plugin "twice"/);
  });

  it('refuses a plugin whose runtime range does not include this runtime API version', () => {
    const registry = createRegistry();
    const future = definePlugin({ name: 'future', version: '1.0.0', runtime: '^2', nodes: [NumberNode] });
    let thrown: unknown;
    try {
      registry.register(future);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LatentflowError);
    expect(thrown).toMatchObject({ code: 'plugin_runtime_mismatch', message: expect.stringContaining('"future" needs runtime ^2') });
    expect(registry.has('Number')).toBe(false);
    registry.register(definePlugin({ name: 'ok', version: '1.0.0', runtime: '>=1.0.0 <2', nodes: [NumberNode] }));
    expect(registry.has('Number')).toBe(true);
  });

  it('refuses a plugin whose dependencies are not registered yet', () => {
    const registry = createRegistry();
    const extension = definePlugin({ name: 'extension', version: '1.0.0', dependencies: ['base', 'extra'], nodes: [AddNode] });
    expect(() => registry.register(extension)).toThrow(
      expect.objectContaining({ code: 'plugin_missing_dependency', message: 'Plugin "extension" depends on "base", "extra", which are not loaded' }),
    );
    registry.register(definePlugin({ name: 'base', version: '1.0.0', nodes: [NumberNode] }));
    expect(() => registry.register(extension)).toThrow('depends on "extra", which is not loaded');
    registry.register(definePlugin({ name: 'extra', version: '1.0.0', nodes: [] }));
    registry.register(extension);
    expect(registry.pluginOf('Add')).toBe('extension');
  });

  it('describes every node as JSON an editor can build widgets from', () => {
    const described = testRegistry().describe();
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
    const byType = Object.fromEntries(described.map((d) => [d.type, d]));
    expect(byType.Number).toEqual({
      type: 'Number',
      version: 1,
      displayName: 'Number',
      category: 'math',
      description: 'A constant',
      plugin: 'test-nodes',
      output: false,
      alwaysRun: false,
      inputs: [{ name: 'value', kind: 'int', default: 1, min: 0, max: 100, step: 1, socketType: 'INT', description: 'the number' }],
      outputs: [{ name: 'value', type: 'INT', description: 'the same number' }],
    });
    expect(byType.Scale.inputs).toEqual([
      { name: 'x', kind: 'socket', type: 'INT', optional: false },
      { name: 'factor', kind: 'float', default: 1, min: 0, max: 10, socketType: 'FLOAT' },
      { name: 'mode', kind: 'enum', default: 'round', choices: ['round', 'floor'], socketType: 'STRING' },
      { name: 'offset', kind: 'socket', type: 'INT', optional: true },
    ]);
    expect(byType.Show).toMatchObject({ output: true, outputs: [], inputs: [{ name: 'value' }, { name: 'label', kind: 'string', default: 'value', multiline: true }] });
    expect(byType.Clock).toMatchObject({
      alwaysRun: true,
      inputs: [
        { name: 'enabled', kind: 'boolean', default: true, socketType: 'BOOLEAN' },
        { name: 'seed', kind: 'seed', default: 0, min: 0, max: 2 ** 32 - 1, socketType: 'INT' },
      ],
    });
  });
});
