#!/usr/bin/env node
// The `eddy` executable: loads the TypeScript CLI through tsx (pinned), so the
// command works straight from a checkout with no compile step.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
