// The sandbox: a plugin that loops forever, bombs memory, traps or imports
// what the host does not provide is stopped (or refused) with a clear, typed
// error — and every other plugin in the process keeps working.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CpuLimitExceededError,
  ForbiddenImportError,
  MemoryLimitExceededError,
  PluginTrapError,
  ProcessingError,
} from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { GuardTimeout } from '../../runtime/cpu-guard.ts';
import { deadLetterHeaders } from '../../runtime/task/stream-task.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { plugins } from '../support/plugins.ts';

function single(plugin: string, stores: string[] | '*' = []) {
  return new TopologyBuilder().addSource('in', 'in').addProcessor('node', plugin, { stores }, 'in').addSink('out', 'out', 'node').build();
}

/** Another plugin in the same process still counts words correctly. */
async function assertOtherPluginStillWorks(): Promise<void> {
  const driver = await TopologyTestDriver.create(single(plugins.wordcountRust(), ['counts']));
  driver.pipeInput('in', [{ value: 'still working, still', timestamp: 1 }]);
  assert.deepEqual(
    driver.readOutput('out').map((output) => `${output.key}=${output.value}`),
    ['still=1', 'working=1', 'still=2'],
  );
  driver.close();
}

test('an infinite loop is stopped at its CPU limit; other plugins keep working', async () => {
  const cpuMs = 250;
  const driver = await TopologyTestDriver.create(single(plugins.infiniteLoop()), { limits: { cpuMs } });
  driver.pipeInput('in', { value: 'fine', timestamp: 1 });
  assert.deepEqual(driver.readOutput('out').map((output) => output.value), ['fine']);
  assert.throws(
    () => driver.pipeInput('in', { value: 'spin', timestamp: 2 }),
    (error: unknown) => {
      assert.ok(error instanceof CpuLimitExceededError, `expected CpuLimitExceededError, got ${error}`);
      assert.equal(error.context.node, 'node');
      assert.match(error.context.plugin ?? '', /misbehaving-infinite-loop\.wasm$/);
      assert.equal(error.context.offset, 1, 'names the offending record');
      assert.ok(error.cause instanceof GuardTimeout);
      assert.equal(error.cause.limitMs, cpuMs, 'stopped by the configured limit');
      return true;
    },
  );
  // The failed task refuses more work instead of running a broken instance.
  assert.throws(() => driver.pipeInput('in', { value: 'after', timestamp: 3 }), /task is failed/);
  await assertOtherPluginStillWorks();
  // A fresh instance of the same component works on normal records.
  const again = await TopologyTestDriver.create(single(plugins.infiniteLoop()), { limits: { cpuMs } });
  again.pipeInput('in', { value: 'fresh', timestamp: 1 });
  assert.deepEqual(again.readOutput('out').map((output) => output.value), ['fresh']);
  again.close();
});

test('a memory bomb is stopped at its memory cap; other plugins keep working', async () => {
  const memoryBytes = 48 * 1024 * 1024;
  const driver = await TopologyTestDriver.create(single(plugins.memoryBomb()), { limits: { memoryBytes } });
  assert.throws(
    () => driver.pipeInput('in', { value: 'bomb', timestamp: 1 }),
    (error: unknown) => {
      assert.ok(error instanceof MemoryLimitExceededError, `expected MemoryLimitExceededError, got ${error}`);
      assert.equal(error.context.node, 'node');
      assert.equal(error.context.offset, 0);
      assert.match(error.message, /of the 48\.0 MiB memory cap/);
      return true;
    },
  );
  await assertOtherPluginStillWorks();
});

test('a component whose initial memory is above the cap is refused', async () => {
  const component = await PluginComponent.fromFile(plugins.wordcountTs());
  await assert.rejects(component.compile({ memoryBytes: 1024 * 1024, cpuMs: 1000 }), (error: unknown) => {
    assert.ok(error instanceof MemoryLimitExceededError);
    assert.match(error.message, /needs .* MiB of memory at start, above the cap of 1\.0 MiB/);
    return true;
  });
});

test('a trap surfaces as PluginTrapError with plugin, node, offset and the panic message', async () => {
  const driver = await TopologyTestDriver.create(single(plugins.trap()));
  driver.pipeInput('in', [{ value: 'a', timestamp: 1 }]);
  assert.throws(
    () => driver.pipeInput('in', [{ value: 'b', timestamp: 2 }, { value: 'panic', timestamp: 3 }]),
    (error: unknown) => {
      assert.ok(error instanceof PluginTrapError, `expected PluginTrapError, got ${error}`);
      assert.equal(error.context.node, 'node');
      assert.equal(error.context.offset, 2);
      assert.match(error.context.plugin ?? '', /misbehaving-trap\.wasm$/);
      assert.match(error.message, /boom: asked to panic/);
      return true;
    },
  );
  await assertOtherPluginStillWorks();
});

test('an err result is a ProcessingError naming the record', async () => {
  const driver = await TopologyTestDriver.create(single(plugins.trap()));
  assert.throws(
    () => driver.pipeInput('in', { value: 'reject', timestamp: 1 }),
    (error: unknown) => error instanceof ProcessingError && /value 'reject' is not allowed/.test(error.message) && error.context.offset === 0,
  );
});

test('with a dead-letter queue, failing records go there with the error and the rest continue', async () => {
  const driver = await TopologyTestDriver.create(single(plugins.trap()), { deadLetterQueueTopic: 'dlq' });
  driver.pipeInput('in', [
    { key: 'k1', value: 'one', timestamp: 1 },
    { key: 'k2', value: 'panic', timestamp: 2 },
    { key: 'k3', value: 'two', timestamp: 3 },
    { key: 'k4', value: 'reject', timestamp: 4 },
    { key: 'k5', value: 'three', timestamp: 5 },
  ]);
  assert.deepEqual(driver.readOutput('out').map((output) => output.value), ['one', 'two', 'three']);
  const dead = driver.readOutput('dlq');
  assert.deepEqual(dead.map((output) => [output.key, output.value]), [['k2', 'panic'], ['k4', 'reject']]);
  const header = (index: number, name: string) =>
    new TextDecoder().decode(dead[index]!.headers.find((entry) => entry.key === name)?.value);
  assert.equal(header(0, deadLetterHeaders.exception), 'PluginTrapError');
  assert.match(header(0, deadLetterHeaders.message), /boom/);
  assert.equal(header(0, deadLetterHeaders.offset), '1');
  assert.equal(header(1, deadLetterHeaders.exception), 'ProcessingError');
  assert.equal(header(1, deadLetterHeaders.node), 'node');
  assert.equal(driver.droppedRecords, 2);
  driver.close();
});

test('a component importing an interface the host does not provide is refused at load, naming it', async () => {
  await assert.rejects(PluginComponent.fromFile(plugins.forbiddenImport()), (error: unknown) => {
    assert.ok(error instanceof ForbiddenImportError, `expected ForbiddenImportError, got ${error}`);
    assert.deepEqual(error.imports, ['wasi:http/outgoing-handler@0.2.0']);
    assert.match(error.message, /'wasi:http\/outgoing-handler@0\.2\.0'/);
    assert.match(error.message, /misbehaving-forbidden-import\.wasm/);
    return true;
  });
  await assertOtherPluginStillWorks();
});
