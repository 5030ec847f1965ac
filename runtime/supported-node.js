// Imported (first) by runtime/errors.ts, which nearly every module imports,
// and by the modules that load the SQLite binding: makes sure this process
// runs on a Node Eddy supports before any work is done and before a
// database is opened — better-sqlite3 13 crashes Node 20 with a
// segmentation fault and no word.
// On another Node the whole command is re-run on the pinned one
// (node-runtime.js), so `npx tsx <a script using Eddy>` works on a machine
// whose `node` is older. Synchronous (no top-level await): these modules are
// also loaded by `require` (tsx compiles a CommonJS script's imports so).
// Must never: do anything on a supported Node but watch for an orphaning
// parent (node-runtime.js).
import { runOnSupportedNodeSync } from './node-runtime.js';

runOnSupportedNodeSync();
