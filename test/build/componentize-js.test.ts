// componentize-js builds TypeScript plugins through a fix layer
// (runtime/build/componentize-js.ts): it pastes its temporary paths into a
// shell command unquoted, so a TMPDIR holding a space broke every TS build
// ("Wizering failed to complete"), and Node 24 printed DEP0190 for it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { componentizeTemporaryDirectory } from '../../runtime/build/componentize-js.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('a plain temporary directory is used as it is; one with a space or a shell character is replaced by /tmp', () => {
  assert.equal(componentizeTemporaryDirectory('/var/tmp/eddy-1.x_y+z'), '/var/tmp/eddy-1.x_y+z');
  assert.equal(componentizeTemporaryDirectory('/tmp/with space'), '/tmp');
  assert.equal(componentizeTemporaryDirectory('/tmp/$(touch x)'), '/tmp');
});

test('a TypeScript plugin builds with TMPDIR holding a space, and no DEP0190 warning is printed', { timeout: 300_000 }, () => {
  const directory = temporaryDirectory('componentize-js');
  const tmp = join(directory, 'a tmp dir');
  mkdirSync(tmp);
  const plugin = join(directory, 'uppercase-ts');
  cpSync(join(repositoryRoot, 'plugins/uppercase-ts'), plugin, { recursive: true, filter: (source) => !source.includes('/dist') && !source.includes('node_modules') });
  rmSync(join(plugin, 'dist'), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'build', plugin], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(plugin, 'dist/uppercase-ts.wasm')));
  assert.doesNotMatch(result.stderr, /DEP0190|DeprecationWarning/);
});
