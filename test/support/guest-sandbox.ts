// The limits every guest language must obey, checked the same way for each
// (test/plugin/<language>-sandbox.test.ts): a language's misbehaving plugin
// (plugins/misbehaving/<language>: `spin` loops forever, `bomb` grows its
// memory without end, anything else is forwarded) is stopped at the CPU
// limit and at the memory cap with the error naming the node, the plugin and
// the record, and the plugins beside it — the Rust word count and the
// language's own — keep working.

import assert from 'node:assert/strict';
import { GuardTimeout } from '../../runtime/cpu-guard.ts';
import { CpuLimitExceededError, MemoryLimitExceededError } from '../../runtime/errors.ts';
import { TopologyTestDriver, type TestDriverOptions } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath, plugins } from './plugins.ts';

export interface GuestSandbox {
  /** The misbehaving plugin's built component. */
  misbehaving(): string;
  /** A topology `in` → `node` (the plugin) → `out`. */
  single(plugin: string, stores?: string[]): ReturnType<TopologyBuilder['build']>;
  misbehavingDriver(options?: TestDriverOptions): Promise<TopologyTestDriver>;
  /** Pipes one record and returns the values the plugin forwarded for it. */
  ask(driver: TopologyTestDriver, value: string): Array<string | null>;
  /** The Rust word count and the language's own still count in this process. */
  assertOtherPluginsStillWork(): Promise<void>;
  /** `spin` is stopped at `cpuMs`; the task is failed; others and a fresh instance work. */
  assertCpuLimitStops(cpuMs: number): Promise<void>;
  /** `bomb` is stopped at the cap (`memoryMiB`); others work. */
  assertMemoryCapStops(memoryMiB: number): Promise<void>;
}

export function guestSandbox(language: 'c' | 'go' | 'python' | 'js'): GuestSandbox {
  const misbehaving = () => pluginPath(`misbehaving/${language}`);
  const single = (plugin: string, stores: string[] = []) =>
    new TopologyBuilder().addSource('in', 'in').addProcessor('node', plugin, { stores }, 'in').addSink('out', 'out', 'node').build();
  const misbehavingDriver = (options: TestDriverOptions = {}) => TopologyTestDriver.create(single(misbehaving()), { applicationId: `${language}-sandbox`, ...options });
  const ask = (driver: TopologyTestDriver, value: string) => {
    driver.pipeInput('in', { value, timestamp: 1 });
    return driver.readOutput('out').map((output) => output.value);
  };
  const assertOtherPluginsStillWork = async () => {
    for (const plugin of [plugins.wordcountRust(), pluginPath(`wordcount-${language}`)]) {
      const driver = await TopologyTestDriver.create(single(plugin, ['counts']));
      driver.pipeInput('in', [{ value: 'still working, still', timestamp: 1 }]);
      assert.deepEqual(driver.readOutput('out').map((output) => `${output.key}=${output.value}`), ['still=1', 'working=1', 'still=2'], plugin);
      driver.close();
    }
  };
  const component = new RegExp(`misbehaving-${language}\\.wasm$`);
  return {
    misbehaving,
    single,
    misbehavingDriver,
    ask,
    assertOtherPluginsStillWork,
    async assertCpuLimitStops(cpuMs) {
      const driver = await misbehavingDriver({ limits: { cpuMs } });
      assert.deepEqual(ask(driver, 'fine'), ['fine']);
      assert.throws(
        () => driver.pipeInput('in', { value: 'spin', timestamp: 2 }),
        (error: unknown) => {
          assert.ok(error instanceof CpuLimitExceededError, `expected CpuLimitExceededError, got ${error}`);
          assert.equal(error.context.node, 'node');
          assert.match(error.context.plugin ?? '', component);
          assert.equal(error.context.offset, 1, 'names the offending record');
          assert.ok(error.cause instanceof GuardTimeout);
          assert.equal(error.cause.limitMs, cpuMs, 'stopped by the configured limit');
          return true;
        },
      );
      assert.throws(() => driver.pipeInput('in', { value: 'after', timestamp: 3 }), /task is failed/);
      await assertOtherPluginsStillWork();
      const again = await misbehavingDriver({ limits: { cpuMs } });
      assert.deepEqual(ask(again, 'fresh'), ['fresh'], 'a fresh instance of the same component works');
      again.close();
    },
    async assertMemoryCapStops(memoryMiB) {
      const driver = await misbehavingDriver({ limits: { memoryBytes: memoryMiB * 1024 * 1024 } });
      assert.deepEqual(ask(driver, 'fine'), ['fine']);
      assert.throws(
        () => driver.pipeInput('in', { value: 'bomb', timestamp: 2 }),
        (error: unknown) => {
          assert.ok(error instanceof MemoryLimitExceededError, `expected MemoryLimitExceededError, got ${error}`);
          assert.equal(error.context.node, 'node');
          assert.equal(error.context.offset, 1);
          assert.match(error.message, new RegExp(`of the ${memoryMiB}\\.0 MiB memory cap`));
          return true;
        },
      );
      await assertOtherPluginsStillWork();
    },
  };
}
