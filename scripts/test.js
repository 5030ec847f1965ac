// The test command (`npm test`): installs what a clean clone lacks, builds
// every plugin under plugins/ (skipped when up to date), then runs every
// test/**/*.test.ts with node:test and tsx.
// Plain JS so it runs before anything is compiled, on whatever `node` the
// machine has: it re-runs itself on the pinned Node when that one is not
// supported (runtime/node-runtime.js).

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { runOnSupportedNode } from '../runtime/node-runtime.js';
import { findFiles, pluginFolders } from './plugin-folders.js';

await runOnSupportedNode();

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// From a clean clone: the Rust WASM and Python (componentize-py) toolchains and the npm packages.
run('bash', ['scripts/install-toolchain.sh']);
const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs) run('npm', ['ci', '--no-audit', '--no-fund']);

run(process.execPath, ['runtime/bin/eddy.js', 'build', ...pluginFolders()]);

const only = process.argv.slice(2);
const testFiles = only.length > 0 ? only : findFiles('test', (path) => path.endsWith('.test.ts'));
if (testFiles.length === 0 || !testFiles.every((file) => existsSync(file))) {
  console.error('no test files found');
  process.exit(1);
}
// A real broker: the one in KAFKA_BROKERS, else a local one started (and
// stopped) here from Maven Central jars.
let startedBroker = false;
if (!process.env.KAFKA_BROKERS) {
  const started = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/kafka/local-broker.ts', 'start', '--dir', '.kafka/test'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (started.status !== 0) process.exit(started.status ?? 1);
  process.env.KAFKA_BROKERS = started.stdout.trim();
  startedBroker = true;
}
const stopBroker = () => {
  if (startedBroker) spawnSync(process.execPath, ['--import', 'tsx', 'scripts/kafka/local-broker.ts', 'stop', '--dir', '.kafka/test'], { stdio: 'inherit' });
};
// Two test files at a time even on two cores (node's default there is one):
// most tests wait on a broker, a JVM or a child process, and every test
// waits on conditions, not sleeps (measured: 323 tests in 14.7 min instead
// of ~20 one at a time).
const concurrency = Math.max(2, availableParallelism() - 1);
const tests = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...testFiles], { stdio: 'inherit' });
stopBroker();
process.exit(tests.status ?? 1);
