// Eddy runs on Node 24 (runtime/node-runtime.js): which versions count as
// supported, and — when the machine also has another Node (this one's is
// Node 20) — that a script using Eddy's modules, started on it, re-runs on
// the pinned Node with the same arguments and exit code, and that the re-run
// child does not outlive a parent killed with SIGKILL.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSupported, PINNED_NODE, SUPPORTED_MAJORS } from '../runtime/node-runtime.js';
import { waitFor } from './support/process.ts';
import { repositoryRoot } from './support/plugins.ts';
import { temporaryDirectory } from './support/temporary.ts';

test('Node 24 is the supported major, and the pinned Node is one', () => {
  assert.deepEqual(SUPPORTED_MAJORS, [24]);
  assert.ok(isSupported(PINNED_NODE));
  assert.ok(isSupported(process.versions.node), `this test runs on Node ${process.versions.node}`);
  assert.ok(!isSupported('20.20.2'));
  assert.ok(!isSupported('22.12.0'));
  assert.ok(!isSupported('26.1.0'));
  const engines = (JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  assert.match(engines, /^>=24\.\d+ <25$/);
});

/** A Node on this machine that Eddy does not support (the machine's own), if any. */
function otherNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    if (version !== '' && !isSupported(version)) return candidate;
  }
  return undefined;
}

/** The environment of a command of its own: PATH led by `node`'s folder, and not a test runner's child (NODE_TEST_CONTEXT). */
function environment(node: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(node, '..')}:/usr/bin:/bin` };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** A script in the repository (an ES module, as tsx runs it there) that uses Eddy's modules. */
function script(directory: string, body: string): string {
  const file = join(repositoryRoot, `.node-runtime-test-${process.pid}-${Date.now()}.ts`);
  // EddyError is used, so the import is kept (an unused one is elided when compiled).
  writeFileSync(file, `import { EddyError } from './runtime/errors.ts';\nconst marker = ${JSON.stringify(join(directory, 'child'))};\nif (typeof EddyError !== 'function') process.exit(3);\n${body}\n`);
  return file;
}

test('a script using Eddy, started on an unsupported Node, re-runs on Node 24 with its arguments and exit code; killed with SIGKILL, it leaves nothing running', { timeout: 120_000 }, async (t) => {
  const node = otherNode();
  if (node === undefined) {
    t.skip('no Node other than a supported one on this machine');
    return;
  }
  const directory = temporaryDirectory('node-runtime');
  const tsx = join(repositoryRoot, 'node_modules/tsx/dist/cli.mjs');
  const once = script(directory, `console.log(JSON.stringify({ version: process.versions.node, args: process.argv.slice(2), eddy: typeof EddyError }));\nprocess.exit(7);`);
  try {
    const result = spawnSync(node, [tsx, once, 'a b', '--flag'], { cwd: repositoryRoot, encoding: 'utf8', env: environment(node) });
    assert.equal(result.status, 7, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').at(-1)!), { version: PINNED_NODE, args: ['a b', '--flag'], eddy: 'function' });
  } finally {
    spawnSync('rm', ['-f', once]);
  }

  const sleeping = script(directory, `import { writeFileSync } from 'node:fs';\nwriteFileSync(marker, String(process.pid));\nsetInterval(() => undefined, 1000);`);
  let parent: ReturnType<typeof spawn> | undefined;
  try {
    parent = spawn(node, ['--import', 'tsx', sleeping], { cwd: repositoryRoot, stdio: 'ignore', env: environment(node) });
    const childFile = join(directory, 'child');
    await waitFor('the re-run child to start', async () => existsSync(childFile) && readFileSync(childFile, 'utf8') !== '', 60_000);
    const child = Number(readFileSync(childFile, 'utf8'));
    assert.notEqual(child, parent.pid);
    parent.kill('SIGKILL');
    // Gone, or a zombie nobody reaps (its state in /proc is Z).
    const alive = () => existsSync(`/proc/${child}/stat`) && !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${child}/stat`, 'utf8'));
    await waitFor('the child to die with its parent', async () => !alive(), 10_000);
  } finally {
    parent?.kill('SIGKILL');
    spawnSync('rm', ['-f', sleeping]);
  }
});
