#!/usr/bin/env -S node --max-semi-space-size=64
// The `eddy` executable: makes sure it runs on a supported Node (re-running
// itself on the pinned one otherwise, see ../node-runtime.js), then loads the
// TypeScript CLI through tsx (pinned), so the command works straight from a
// checkout with no compile step.
// --max-semi-space-size=64: a stream processor allocates many short-lived
// records; a larger young generation cut a word count's time by ~10% (see
// docs/benchmarks.md). Run through `npx eddy` (or pass the flag to node).
import { runOnSupportedNode } from '../node-runtime.js';

await runOnSupportedNode();
const { register } = await import('tsx/esm/api');
register();
await import('../cli.ts');
