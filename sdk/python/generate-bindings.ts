// Writes sdk/python/bindings/: the typing stubs of the `processor` world that
// componentize-py's `bindings` command generates from wit/ (the `wit_world`
// package, `componentize_py_types`, …), plus the `functions` world's exports
// (wit_world/exports/, for eddy_plugin.functions), for editors and type
// checkers. A build generates the real bindings itself; these are never part
// of a plugin.
// test/build/python.test.ts checks they are up to date.
//   npx tsx sdk/python/generate-bindings.ts     (after scripts/install-toolchain.sh)

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatePythonBindings } from '../../runtime/build/build-python.ts';

const directory = fileURLToPath(new URL('bindings', import.meta.url));
rmSync(directory, { recursive: true, force: true });
await generatePythonBindings(directory);
console.log(`wrote ${directory}`);
