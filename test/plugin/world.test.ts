// Loading components: world detection from wit/, refusal of what does not fit.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { ComponentLoadError } from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { parseWorldText, referenceShape, witFile } from '../../runtime/plugin/world.ts';
import { pluginPath, plugins } from '../support/plugins.ts';

test('the processor world is read from wit/ itself', async () => {
  const shape = await referenceShape('processor');
  assert.deepEqual(shape.imports, ['eddy:plugin/types@0.1.0', 'eddy:plugin/context@0.1.0', 'eddy:plugin/kv-store@0.1.0', 'eddy:plugin/window-store@0.1.0', 'eddy:plugin/session-store@0.1.0', 'eddy:plugin/log@0.1.0']);
  assert.deepEqual(shape.exports, [
    'init: func(config: config) -> result<_, string>',
    'process: func(r: %record) -> result<_, string>',
    'punctuate: func(id: u32, timestamp: s64) -> result<_, string>',
    'close: func()',
  ]);
});

test('parseWorldText tells interface imports from named imports', () => {
  const shape = parseWorldText(`package root:component;

world root {
  import wasi:sockets/tcp@0.2.0;
  import my-func: func(a: u32) -> u32;
  import inline: interface {
    f: func();
  }
  export process: func(r: %record) -> result<_, string>;
}
`);
  assert.deepEqual(shape.imports, ['wasi:sockets/tcp@0.2.0', 'my-func', 'inline']);
  assert.deepEqual(shape.exports, ['process: func(r: %record) -> result<_, string>']);
});

test('real plugins in both languages load as processors', async () => {
  for (const path of [plugins.wordcountRust(), plugins.wordcountTs()]) {
    const component = await PluginComponent.fromFile(path);
    assert.equal(component.world, 'processor');
    assert.match(component.hash, /^[0-9a-f]{64}$/);
  }
});

test('a plugin of DSL functions loads as the functions world', async () => {
  const component = await PluginComponent.fromFile(pluginPath('dsl-functions-rust'));
  assert.equal(component.world, 'functions');
});

test('a component of another world is refused, naming what it lacks', async () => {
  const witSource = readFileSync(witFile, 'utf8') + '\nworld half-processor {\n  use types.{%record};\n  export process: func(r: %record) -> result<_, string>;\n}\n';
  const component = await componentNew(await componentEmbed({ witSource, world: 'half-processor', dummy: true }), undefined);
  await assert.rejects(PluginComponent.fromBytes(component, 'half.wasm'), (error: unknown) => {
    assert.ok(error instanceof ComponentLoadError);
    assert.match(error.message, /does not implement any known world.*missing or different exports: init: func/);
    assert.match(error.message, /plugin=half\.wasm/);
    return true;
  });
});

test('a core module is refused with advice to build a component', async () => {
  const core = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  await assert.rejects(PluginComponent.fromBytes(core, 'core.wasm'), /core WebAssembly module, not a component.*plugin=core\.wasm/);
});
